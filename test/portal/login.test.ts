import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as z from "zod/mini";
import { formatLocalDateTime } from "../../src/portal/local-time";
import { hashPassword } from "../../src/portal/password";
import { portalUserObject } from "../../src/portal/sessions";
import { PORTAL_USERS, type PortalUserRecord } from "../../src/shared/config-records";
import { sha256Hex } from "../../src/shared/crypto";
import { tenantObject } from "../../src/shared/tenants";
import { admin, call, json, uid } from "../support/worker";
import {
  checkSession,
  INVALID_CREDENTIALS,
  liveTokens,
  login,
  provisionOrg,
  provisionUser,
  tokenOf,
  userObjectState,
} from "./support";

const TOKEN_SHAPE = /^[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$/;
const WEEK_MS = 7 * 24 * 3600 * 1000;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("/api_auth login (seed 001)", () => {
  it.each(["GET", "POST"])(
    "answers %s with the seed's success body, the token stored only as a hash",
    async (method) => {
      const org = await provisionOrg({ name: "Root", uuid: uid("root"), description: "Root" });
      const email = `${uid("merchant")}@example.com`;
      expect((await admin("POST", `/orgs/${org.id}/users`, { email, password: "Payu@1234" })).status).toBe(
        201,
      );
      const before = Date.now();

      const response = await login({ email, password: "Payu@1234" }, { method });

      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
      const body = await json(response);
      const { sessions } = await userObjectState(email);
      expect(sessions.current.expiresAt - sessions.current.issuedAt).toBe(WEEK_MS);
      expect(sessions.current.issuedAt).toBeGreaterThanOrEqual(before);
      expect(body).toEqual({
        status: 200,
        message: "Success",
        token: expect.stringMatching(TOKEN_SHAPE),
        expires_at: formatLocalDateTime(sessions.current.expiresAt, "Asia/Kolkata"),
        organization: {
          id: org.id,
          name: "Root",
          uuid: org.uuid,
          description: "Root",
          created_by_id: null,
          updated_by_id: null,
          created_at: org.created_at,
          updated_at: org.updated_at,
          ancestry: null,
          payubiz_id: null,
          hide_name: false,
          url: null,
          product: "na",
          header_mappings: null,
        },
      });
      expect(org.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$/);
      // Only the hash and a sealed copy are kept; the plaintext is nowhere in the object's state.
      expect(sessions.current.hash).toBe(await sha256Hex(body.token));
      expect(JSON.stringify(sessions)).not.toContain(body.token);
      expect(JSON.stringify(sessions)).not.toContain(body.token.replaceAll("_", ""));
    },
  );

  it("hands out the same live token and expiry again without refresh_token, or with refresh_token=0", async () => {
    const user = await provisionUser();
    const first = await json(await login(user));
    const again = await json(await login(user));
    const explicit = await json(await login(user, { refresh: "0" }));
    expect([again.token, explicit.token]).toEqual([first.token, first.token]);
    expect([again.expires_at, explicit.expires_at]).toEqual([first.expires_at, first.expires_at]);
  });

  it("issues a new token with refresh_token=1 and the previous one stops working at once", async () => {
    const user = await provisionUser();
    const old = await tokenOf(await login(user));
    const fresh = await tokenOf(await login(user, { refresh: "1" }));
    expect(fresh).not.toBe(old);
    expect((await checkSession(old)).status).toBe(401);
    expect((await checkSession(fresh)).status).toBe(200);
    // The next plain login returns the refreshed token, not the dead one.
    expect(await tokenOf(await login(user))).toBe(fresh);
  });

  it("renews a token with under an hour left and lets the old one live out its time", async () => {
    const user = await provisionUser();
    const old = await tokenOf(await login(user));
    const soon = Date.now() + 30 * 60 * 1000;
    await runInDurableObject(portalUserObject(env, user.email), (_instance, state) => {
      const sessions = state.storage.kv.get<{ current: object }>("sessions");
      state.storage.kv.put("sessions", { current: { ...sessions?.current, expiresAt: soon } });
    });
    const renewed = await tokenOf(await login(user));
    expect(renewed).not.toBe(old);
    expect(await liveTokens([old, renewed])).toEqual([old, renewed]);
    const { sessions } = await userObjectState(user.email);
    expect(sessions.previous).toEqual({
      hash: await sha256Hex(old),
      issuedAt: expect.any(Number),
      expiresAt: soon,
      organizationId: user.orgId,
    });
  });

  it("leaves exactly one live token after 20 parallel refreshes", async () => {
    const user = await provisionUser();
    const responses = await Promise.all(Array.from({ length: 20 }, () => login(user, { refresh: "1" })));
    const tokens = await Promise.all(responses.map(tokenOf));
    expect(new Set(tokens).size).toBe(20);
    const live = await liveTokens(tokens);
    expect(live).toHaveLength(1);
    const { sessions } = await userObjectState(user.email);
    expect(sessions.current.hash).toBe(await sha256Hex(live[0]!));
    expect(sessions.previous).toBeUndefined();
  });

  it("uses the org's token lifetime", async () => {
    const user = await provisionUser({ tokenTtlSeconds: 7200 });
    await login(user);
    const { sessions } = await userObjectState(user.email);
    expect(sessions.current.expiresAt - sessions.current.issuedAt).toBe(7_200_000);
  });

  it("upgrades a hash made with older parameters on the next successful login", async () => {
    const user = await provisionUser();
    const record = (await env.CONFIG.get<PortalUserRecord>(`portal-user:${user.email}`, "json"))!;
    const weak = await hashPassword(user.password, env.PASSWORD_PEPPER, 1_000);
    // The user's tenant object is the record's only writer
    // (docs/storage.md#tenant-objects): the weak hash goes in there.
    await tenantObject(env, "portal-user", user.email).upgradePasswordHash(record.passwordHash, weak);
    expect(JSON.parse((await env.CONFIG.get(`portal-user:${user.email}`))!).passwordHash).toBe(weak);
    expect((await login(user)).status).toBe(200);
    const upgraded = (await env.CONFIG.get<PortalUserRecord>(`portal-user:${user.email}`, "json"))!;
    expect(upgraded.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(z.parse(await PORTAL_USERS.loadSchema(), upgraded).credentialVersion).toBe(
      record.credentialVersion,
    );
    expect((await login(user)).status).toBe(200);
  });

  it.each([
    ["empty", ""],
    ["2", "2"],
    ["true", "true"],
    ["01", "01"],
    ["repeated", "1&refresh_token=1"],
  ])("refuses refresh_token=%s with 400 before checking credentials", async (_label, value) => {
    const user = await provisionUser();
    const response = await login(user, { refresh: value });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: "refresh_token must be 0 or 1" });
    expect(await userObjectState(user.email)).toEqual({ credentialVersion: 1 });
  });

  it("never logs a password sent in the query string, the password header or the full email", async () => {
    const user = await provisionUser();
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const secret = user.password;
    const response = await call(`/api_auth?password=${encodeURIComponent(secret)}`, {
      headers: { "X-User-Email": user.email, "X-User-Password": secret },
    });
    const wrong = await call(`/api_auth?password=${encodeURIComponent(secret)}x`, {
      headers: { "X-User-Email": user.email, "X-User-Password": `${secret}x` },
    });
    expect([response.status, wrong.status]).toEqual([200, 401]);
    const token = (await json(response)).token;
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).not.toContain(secret);
      expect(line).not.toContain(user.email);
      expect(line).not.toContain(token);
    }
    expect(lines.some((line) => JSON.parse(line).reason === "wrong_password")).toBe(true);
  });

  it("answers a known path with a wrong method in the portal envelope", async () => {
    const response = await call("/api_auth", { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, POST");
    expect(await json(response)).toEqual({ error: "Method not allowed" });
  });
});

describe("/api_auth refusals", () => {
  type Case = [
    label: string,
    headers: (user: { email: string; password: string }) => [string, string][],
    countsFailure: boolean,
  ];
  const cases: Case[] = [
    ["no headers at all", () => [], false],
    ["no email header", (u) => [["X-User-Password", u.password]], false],
    ["no password header", (u) => [["X-User-Email", u.email]], true],
    [
      "an empty password",
      (u) => [
        ["X-User-Email", u.email],
        ["X-User-Password", ""],
      ],
      true,
    ],
    [
      "a 10 KB password",
      (u) => [
        ["X-User-Email", u.email],
        ["X-User-Password", u.password.padEnd(10_240, "x")],
      ],
      true,
    ],
    [
      "the password in the wrong case",
      (u) => [
        ["X-User-Email", u.email],
        ["X-User-Password", u.password.toUpperCase()],
      ],
      true,
    ],
    [
      "the password with one character changed",
      (u) => [
        ["X-User-Email", u.email],
        ["X-User-Password", `${u.password.slice(0, -1)}!`],
      ],
      true,
    ],
    [
      "two X-User-Email headers",
      (u) => [
        ["X-User-Email", u.email],
        ["X-User-Email", u.email],
        ["X-User-Password", u.password],
      ],
      false,
    ],
    [
      "an email that is no email",
      (u) => [
        ["X-User-Email", u.email.replace("@", "")],
        ["X-User-Password", u.password],
      ],
      false,
    ],
  ];

  it.each(cases)(
    "answers %s with the one 401, issuing nothing",
    async (_label, headersFor, countsFailure) => {
      const user = await provisionUser();
      const headers = new Headers();
      for (const [name, value] of headersFor(user)) headers.append(name, value);
      const response = await call("/api_auth", { method: "POST", headers });
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual(INVALID_CREDENTIALS);
      const state = await userObjectState(user.email);
      expect(state.sessions).toBeUndefined();
      expect(state.lockout?.failures ?? []).toHaveLength(countsFailure ? 1 : 0);
    },
  );

  it("answers an unknown email exactly like a wrong password, and counts it", async () => {
    const email = `${uid("nobody")}@example.com`;
    const response = await login({ email, password: "Payu@1234" });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_CREDENTIALS);
    expect((await userObjectState(email)).lockout.failures).toHaveLength(1);
  });

  it("answers a disabled user with the one 401 even with the right password", async () => {
    const user = await provisionUser();
    expect((await admin("PATCH", `/users/${user.email}`, { disabled: true })).status).toBe(200);
    const response = await login(user);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_CREDENTIALS);
    expect((await userObjectState(user.email)).sessions).toBeUndefined();
  });

  it("accepts the email in any case and with surrounding spaces (emails are canonical, passwords are not)", async () => {
    const user = await provisionUser();
    expect((await login({ email: `  ${user.email.toUpperCase()} `, password: user.password })).status).toBe(
      200,
    );
  });
});

describe("/api_auth org IP allowlist", () => {
  it.each([
    ["inside the list", ["198.51.100.0/24"], "198.51.100.7", 200],
    ["outside the list", ["198.51.100.0/24"], "198.51.101.7", 403],
    ["an empty list", [], "198.51.100.7", 403],
    ["an unknown client IP", ["0.0.0.0/0"], null, 403],
  ] as const)("checks the allowlist after the password: %s", async (_label, ipAllowlist, ip, status) => {
    const user = await provisionUser({ ipAllowlist });
    const response = await login(user, { init: { ip } });
    expect(response.status).toBe(status);
    if (status === 403) {
      expect(await json(response)).toEqual({ error: "Request not allowed from this IP" });
      expect((await userObjectState(user.email)).sessions).toBeUndefined();
    }
  });

  it("answers a wrong password from outside the list with 401, not 403", async () => {
    const user = await provisionUser({ ipAllowlist: [] });
    const response = await login({ email: user.email, password: `${user.password}!` });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_CREDENTIALS);
  });
});
