import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fetchWith } from "../hardening/fixtures";
import { checkSession, login, provisionUser, tokenOf } from "../portal/support";
import { json } from "../support/worker";
import { oauthForm } from "./support";

async function loggedIn() {
  const user = await provisionUser();
  const response = await login(user);
  const body = await json(response.clone());
  return { user, body, token: await tokenOf(response) };
}

describe("/oauth with portal tokens", () => {
  it("describes a live portal token to the admin and to its own user", async () => {
    const { user, body, token } = await loggedIn();
    const expected = {
      active: true,
      token_type: "portal",
      sub: user.email,
      iss: env.ISSUER,
      organization_id: user.orgId,
      exp: expect.any(Number),
      iat: expect.any(Number),
    };
    const asAdmin = await json(await oauthForm("introspect", { admin: true }, { token }));
    expect(asAdmin).toEqual(expected);
    expect(asAdmin.exp - asAdmin.iat).toBe(7 * 24 * 3600);
    expect(body.token).toBe(token);
    const asSelf = await json(await oauthForm("introspect", { portalToken: token }, { token }));
    expect(asSelf).toEqual(expected);
  });

  it("names the issuer of the root metadata document, also when ISSUER ends in a slash", async () => {
    const { token } = await loggedIn();
    const issuer = `${env.ISSUER}/`;
    const init = {
      method: "POST",
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: `token=${token}`,
    };
    const introspected = await json(
      await fetchWith("/oauth/introspect", init, { ISSUER: issuer } as Partial<Env>),
    );
    const metadata = await json(
      await fetchWith("/.well-known/oauth-authorization-server", {}, { ISSUER: issuer } as Partial<Env>),
    );
    expect(introspected.active).toBe(true);
    expect(metadata.issuer).toBe(env.ISSUER);
    expect(introspected.iss).toBe(metadata.issuer);
  });

  it("hides a portal token from another portal user", async () => {
    const { token } = await loggedIn();
    const other = await loggedIn();
    const response = await oauthForm("introspect", { portalToken: other.token }, { token });
    expect(await json(response)).toEqual({ active: false });
  });

  it("lets a portal token revoke itself with no other credential (logout), at once", async () => {
    const { token } = await loggedIn();
    expect((await checkSession(token)).status).toBe(200);
    const response = await oauthForm("revoke", null, { token });
    expect(response.status).toBe(200);
    expect((await checkSession(token)).status).toBe(401);
    expect(await json(await oauthForm("introspect", { admin: true }, { token }))).toEqual({ active: false });
  });

  it("does not let one portal user revoke another's token", async () => {
    const { token } = await loggedIn();
    const other = await loggedIn();
    const response = await oauthForm("revoke", { portalToken: other.token }, { token });
    expect(response.status).toBe(200);
    expect((await checkSession(token)).status).toBe(200);
  });

  it("refuses an anonymous revocation of a dead portal-shaped token with 401, changing nothing", async () => {
    const response = await oauthForm("revoke", null, { token: "0ec164a4_1884_4c63_ba0b_87e5545c0e3e" });
    expect(response.status).toBe(401);
    expect((await json(response)).error).toBe("invalid_client");
  });
});
