import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { grantedToken } from "../cpr/helpers";
import { provisionApp } from "../support/tenants";
import { admin, call, json } from "../support/worker";
import { oauthForm, oauthJson } from "./support";

const jwtOf = (authorization: string) => authorization.slice("Bearer ".length);

async function liveCprToken() {
  const app = await provisionApp();
  const granted = await grantedToken(app, { email: "Jane@Example.com" });
  return { app, granted, token: jwtOf(granted.answer.result.authToken) };
}

describe("POST /oauth/introspect with CPR tokens", () => {
  it("describes a live token to the admin with the RFC 7662 members and the CPR claims", async () => {
    const { app, granted, token } = await liveCprToken();
    const response = await oauthForm(
      "introspect",
      { admin: true },
      { token, token_type_hint: "access_token" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const { claims } = granted;
    expect(await json(response)).toEqual({
      active: true,
      token_type: "Bearer",
      exp: claims.exp,
      iat: claims.iat,
      sub: granted.transactionId,
      iss: `${env.ISSUER}/cpr`,
      aud: app.appId,
      jti: claims.jti,
      appId: app.appId,
      transactionId: granted.transactionId,
      workflowId: app.workflowId,
      journeyId: claims.journeyId,
      uniqueId: claims.uniqueId,
    });
  });

  it("answers the owning app (Basic appId:appKey, JSON body) and hides the token from another app", async () => {
    const { app, token } = await liveCprToken();
    const other = await provisionApp();
    const own = await oauthJson("introspect", { basic: [app.appId, app.appKey] }, { token });
    expect((await json(own)).active).toBe(true);
    const foreign = await oauthJson("introspect", { basic: [other.appId, other.appKey] }, { token });
    expect(foreign.status).toBe(200);
    expect(await json(foreign)).toEqual({ active: false });
  });

  it.each([
    ["no credentials", null],
    ["a wrong admin token", { bearer: "not-the-admin-token" }],
    ["a wrong appKey", "wrong-key"],
    ["an unknown appId", "unknown-app"],
  ] as const)("refuses %s with 401 invalid_client", async (_label, auth) => {
    const { app, token } = await liveCprToken();
    const credentials =
      auth === "wrong-key"
        ? { basic: [app.appId, "x".repeat(43)] as [string, string] }
        : auth === "unknown-app"
          ? { basic: ["no-such-app", app.appKey] as [string, string] }
          : auth;
    const response = await oauthForm("introspect", credentials, { token });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toContain("Basic");
    expect(await json(response)).toEqual({
      error: "invalid_client",
      error_description: "Client authentication failed",
    });
  });

  it.each([
    ["no token parameter", {}],
    ["an empty token", { token: "" }],
  ])("refuses %s with 400 invalid_request", async (_label, params) => {
    const response = await oauthForm("introspect", { admin: true }, params as Record<string, string>);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: "invalid_request",
      error_description: "The token parameter is required (form or JSON body)",
    });
  });

  it("refuses malformed JSON with 400 invalid_request", async () => {
    const response = await call("/oauth/introspect", {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: '{"token":',
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_request");
  });

  it.each([
    ["garbage", () => "not-a-token"],
    [
      "a tampered payload",
      (t: string) => {
        const [h, p, s] = t.split(".");
        const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
        const forged = btoa(JSON.stringify({ ...claims, appId: "someone-else" }))
          .replace(/=+$/, "")
          .replace(/\+/g, "-")
          .replace(/\//g, "_");
        return `${h}.${forged}.${s}`;
      },
    ],
    [
      "alg none",
      (t: string) => {
        const [, p] = t.split(".");
        const header = btoa(JSON.stringify({ alg: "none", typ: "cpr+jwt", kid: "test-es256" })).replace(
          /=+$/,
          "",
        );
        return `${header}.${p}.`;
      },
    ],
    ["a truncated signature", (t: string) => t.slice(0, -10)],
  ])("reports %s as inactive", async (_label, mutate) => {
    const { token } = await liveCprToken();
    const response = await oauthForm("introspect", { admin: true }, { token: mutate(token) });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ active: false });
  });
});

describe("POST /oauth/revoke with CPR tokens", () => {
  it("revokes every earlier token of the transaction at once; tokens issued afterwards are live", async () => {
    const { app, granted, token } = await liveCprToken();
    const sibling = await grantedToken(app, {
      transactionId: granted.transactionId,
      email: "jane@example.com",
    });
    const siblingToken = jwtOf(sibling.answer.result.authToken);

    const revoked = await oauthForm("revoke", { basic: [app.appId, app.appKey] }, { token });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe("");

    for (const earlier of [token, siblingToken]) {
      expect(await json(await oauthForm("introspect", { admin: true }, { token: earlier }))).toEqual({
        active: false,
      });
    }
    const later = await grantedToken(app, {
      transactionId: granted.transactionId,
      email: "jane@example.com",
    });
    expect(later.claims.rev).toBe((granted.claims.rev as number) + 1);
    const laterState = await json(
      await oauthForm("introspect", { admin: true }, { token: jwtOf(later.answer.result.authToken) }),
    );
    expect(laterState.active).toBe(true);
  });

  it("answers 200 for an unknown token and for another app's token, revoking nothing", async () => {
    const { token } = await liveCprToken();
    const other = await provisionApp();
    const foreign = await oauthForm("revoke", { basic: [other.appId, other.appKey] }, { token });
    expect(foreign.status).toBe(200);
    expect((await json(await oauthForm("introspect", { admin: true }, { token }))).active).toBe(true);
    const unknown = await oauthForm("revoke", { basic: [other.appId, other.appKey] }, { token: "unknown" });
    expect(unknown.status).toBe(200);
  });

  it("requires client authentication for a CPR token", async () => {
    const { token } = await liveCprToken();
    const response = await oauthForm("revoke", null, { token });
    expect(response.status).toBe(401);
    expect((await json(await oauthForm("introspect", { admin: true }, { token }))).active).toBe(true);
  });

  it("is idempotent: revoking twice bumps the epoch once", async () => {
    const { app, granted, token } = await liveCprToken();
    await oauthForm("revoke", { admin: true }, { token });
    await oauthForm("revoke", { admin: true }, { token });
    const later = await grantedToken(app, { transactionId: granted.transactionId });
    expect(later.claims.rev).toBe((granted.claims.rev as number) + 1);
  });

  it("the admin transaction revoke has the same effect", async () => {
    const { app, granted, token } = await liveCprToken();
    const response = await admin("POST", `/apps/${app.appId}/transactions/${granted.transactionId}/revoke`);
    expect(response.status).toBeLessThan(300);
    expect(await json(await oauthForm("introspect", { admin: true }, { token }))).toEqual({ active: false });
  });
});
