import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { portalTokens } from "../../src/portal/introspection";
import { formatLocalDateTime } from "../../src/portal/local-time";
import { findLiveSession } from "../../src/portal/sessions";
import { admin, call, json } from "../support/worker";
import { checkSession, login, provisionUser, tokenOf, userObjectState } from "./support";

const INVALID_TOKEN = { error: "Invalid token" };

async function loggedIn() {
  const user = await provisionUser();
  const token = await tokenOf(await login(user));
  const { sessions } = await userObjectState(user.email);
  return {
    user,
    token,
    issuedAt: sessions.current.issuedAt as number,
    expiresAt: sessions.current.expiresAt as number,
  };
}

describe("/api_auth/session (X-Optimus-API-Key)", () => {
  it.each([
    ["as is", (token: string) => token],
    ["with a Bearer prefix", (token: string) => `Bearer ${token}`],
    // Issue 18 item 5: one X-Optimus-API-Key parser, the same as /oauth/* (any case, spaces around).
    ["with a lowercase bearer prefix", (token: string) => `bearer ${token}`],
    ["with an upper-case BEARER prefix", (token: string) => `BEARER ${token}`],
    ["with two spaces after Bearer", (token: string) => `Bearer  ${token}`],
    ["surrounded by spaces", (token: string) => `  Bearer ${token} `],
  ])("answers a live token sent %s with its email, org and expiry", async (_label, present) => {
    const { user, token, expiresAt } = await loggedIn();
    const response = await call("/api_auth/session", { headers: { "X-Optimus-API-Key": present(token) } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await json(response)).toEqual({
      email: user.email,
      organization_id: user.orgId,
      expires_at: formatLocalDateTime(expiresAt, "Asia/Kolkata"),
    });
  });

  it.each([
    ["no header", () => undefined],
    ["the token in upper case", (token: string) => token.toUpperCase()],
    ["one digit changed", (token: string) => `${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`],
    ["the token without underscores", (token: string) => token.replaceAll("_", "")],
    ["another scheme", (token: string) => `Basic ${token}`],
    ["a Bearer prefix without a space", (token: string) => `Bearer${token}`],
    ["a trailing character", (token: string) => `${token}0`],
  ])("answers %s with 401", async (_label, present) => {
    const { token } = await loggedIn();
    const value = present(token);
    const response = await call("/api_auth/session", {
      headers: value === undefined ? {} : { "X-Optimus-API-Key": value },
    });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_TOKEN);
  });

  it("refuses a token at once after a refresh", async () => {
    const { user, token } = await loggedIn();
    await login(user, { refresh: "1" });
    const response = await checkSession(token);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_TOKEN);
  });

  it.each([
    ["a new password", (email: string) => admin("PATCH", `/users/${email}`, { password: "Another@5678" })],
    ["disabling the user", (email: string) => admin("PATCH", `/users/${email}`, { disabled: true })],
    ["deleting the user", (email: string) => admin("DELETE", `/users/${email}`)],
  ])("refuses a token at once after %s", async (_label, change) => {
    const { user, token } = await loggedIn();
    expect((await change(user.email)).status).toBeLessThan(300);
    expect((await checkSession(token)).status).toBe(401);
  });

  it("lives until its expiry instant and not a millisecond longer", async () => {
    const { user, token, expiresAt } = await loggedIn();
    expect(await findLiveSession(env, token, expiresAt - 1)).toEqual({
      email: user.email,
      organizationId: user.orgId,
      issuedAt: expect.any(Number),
      expiresAt,
    });
    expect(await findLiveSession(env, token, expiresAt)).toBeUndefined();
  });
});

describe("portal tokens for introspection and revocation (docs/tokens.md#introspection)", () => {
  it.each([
    ["0ec164a4_1884_4c63_ba0b_87e5545c0e3e", true],
    ["0EC164A4_1884_4C63_BA0B_87E5545C0E3E", false],
    ["0ec164a4-1884-4c63-ba0b-87e5545c0e3e", false],
    ["0ec164a4_1884_4c63_ba0b_87e5545c0e3", false],
    ["tkn_0ec164a418844c63ba0b87e5545c0e3e", false],
  ])("recognises the seed's shape only: %s", (token, recognised) => {
    expect(portalTokens.recognises(token)).toBe(recognised);
  });

  it("introspects a live token with its claims and owner", async () => {
    const { user, token, issuedAt, expiresAt } = await loggedIn();
    expect(await portalTokens.introspect(env, token, Date.now())).toEqual({
      owner: { kind: "portal-user", email: user.email },
      claims: {
        token_type: "portal",
        exp: Math.floor(expiresAt / 1000),
        iat: Math.floor(issuedAt / 1000),
        sub: user.email,
        iss: env.ISSUER,
        organization_id: user.orgId,
      },
    });
    expect(await portalTokens.introspect(env, token, expiresAt)).toBeUndefined();
  });

  it("revokes a token at once (logout) and leaves the user's next login a fresh token", async () => {
    const { user, token } = await loggedIn();
    await portalTokens.revoke(env, token, Date.now());
    expect((await checkSession(token)).status).toBe(401);
    expect(await portalTokens.introspect(env, token, Date.now())).toBeUndefined();
    const next = await tokenOf(await login(user));
    expect(next).not.toBe(token);
    expect((await checkSession(next)).status).toBe(200);
  });

  it.each(["00000000_0000_0000_0000_000000000000", "not a token"])(
    "revokes an unknown or malformed token without complaint: %s",
    async (token) => {
      await expect(portalTokens.revoke(env, token, Date.now())).resolves.toBeUndefined();
    },
  );
});
