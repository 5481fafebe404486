import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { grantedToken, UNIQUE_ID } from "../cpr/helpers";
import { provisionApp } from "../support/tenants";
import { call, json, postJson, uid } from "../support/worker";

/**
 * docs/http.md#credentials: Basic credentials per RFC 6749
 * §2.3.1 and raw; scheme names in any case, on every route.
 */

const INVALID_CLIENT = { error: "invalid_client", error_description: "Client authentication failed" };
const jwtOf = (authorization: string) => authorization.slice("Bearer ".length);

function introspect(authorization: string, token: string) {
  return call("/oauth/introspect", {
    method: "POST",
    headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }).toString(),
  });
}

const basic = (userPass: string) => `Basic ${btoa(userPass)}`;
/** RFC 6749 §2.3.1 / Appendix B: application/x-www-form-urlencoded, as oauth4webapi and Authlib send it. */
const formEncode = (text: string) =>
  new URLSearchParams({ x: text }).toString().slice(2).replaceAll("-", "%2D");

// An id with every character docs/admin.md#ids allows outside letters and digits (`:` included), and a
// migrated key holding characters that form-encoding changes (`+`, space, `%`).
async function awkwardApp() {
  const appKey = `key+with space%${crypto.randomUUID()}`;
  const app = await provisionApp({ appId: `${uid("acme_app")}.x:y@z`, appKey });
  const token = jwtOf((await grantedToken(app)).answer.result.authToken);
  return { app, appKey, token };
}

describe("HTTP Basic on /oauth/introspect, decoded and raw (docs/http.md#credentials)", () => {
  it("accepts the RFC 6749 §2.3.1 form (id and key form-urlencoded)", async () => {
    const { app, appKey, token } = await awkwardApp();
    const response = await introspect(basic(`${formEncode(app.appId)}:${formEncode(appKey)}`), token);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ active: true, appId: app.appId });
  });

  it("accepts the raw form, for clients that do not encode", async () => {
    const { app, appKey, token } = await awkwardApp();
    // Raw, the id's `:` would split it: this app's raw form is usable only with a colon-free id.
    const plain = await provisionApp({ appKey });
    const plainToken = jwtOf((await grantedToken(plain)).answer.result.authToken);
    const response = await introspect(basic(`${plain.appId}:${appKey}`), plainToken);
    expect(response.status).toBe(200);
    expect((await json(response)).active).toBe(true);
    // The awkward app, raw: its id holds `:`, which RFC 7617 cannot carry raw.
    const raw = await introspect(basic(`${app.appId}:${appKey}`), token);
    expect(raw.status).toBe(401);
    expect(await json(raw)).toEqual(INVALID_CLIENT);
  });

  it("accepts the scheme in any case and with spaces around", async () => {
    const { app, appKey, token } = await awkwardApp();
    const credentials = btoa(`${formEncode(app.appId)}:${formEncode(appKey)}`);
    for (const header of [`basic ${credentials}`, `BASIC ${credentials}`, `  Basic   ${credentials} `]) {
      const response = await introspect(header, token);
      expect(response.status, header).toBe(200);
      expect((await json(response)).active).toBe(true);
    }
  });

  it.each([
    ["the id encoded and the key raw", (id: string, key: string) => `${formEncode(id)}:${key}`],
    ["the id raw and the key encoded", (id: string, key: string) => `${id}:${formEncode(key)}`],
    ["%zz in the id", (id: string, key: string) => `${formEncode(id)}%zz:${formEncode(key)}`],
    ["a lone % ending the key", (id: string, key: string) => `${formEncode(id)}:${formEncode(key)}%`],
    ["an empty id", (_id: string, key: string) => `:${formEncode(key)}`],
    ["an empty key", (id: string) => `${formEncode(id)}:`],
    ["an empty id and key", () => ":"],
    ["no colon", (id: string) => formEncode(id)],
    [
      "the key decoded twice",
      (id: string, key: string) => `${formEncode(id)}:${formEncode(formEncode(key))}`,
    ],
  ])("refuses %s with 401 invalid_client", async (_label, userPass) => {
    const { app, appKey, token } = await awkwardApp();
    const response = await introspect(basic(userPass(app.appId, appKey)), token);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_CLIENT);
  });

  it.each([
    ["Basic credentials that are not base64", "Basic %%%"],
    ["an unknown scheme", "Digest abc"],
    ["a scheme alone", "Basic"],
  ])("refuses %s with 401 invalid_client, also on /oauth/revoke", async (_label, authorization) => {
    const { token } = await awkwardApp();
    for (const endpoint of ["introspect", "revoke"]) {
      const response = await call(`/oauth/${endpoint}`, {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(response.status, endpoint).toBe(401);
      expect(await json(response)).toEqual(INVALID_CLIENT);
    }
  });
});

describe("scheme names in any case on every route (docs/http.md#credentials)", () => {
  it.each([["bearer"], ["BEARER"], ["BeArEr"]])("admits the admin token under %j", async (scheme) => {
    const app = await provisionApp();
    const response = await call(`/admin/v1/apps/${app.appId}`, {
      headers: { Authorization: `  ${scheme}  ${env.ADMIN_TOKEN} ` },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).appId).toBe(app.appId);
  });

  it("refuses the admin token under another scheme (the twin)", async () => {
    const response = await call("/admin/v1/apps/x", {
      headers: { Authorization: `Token ${env.ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(401);
  });

  it("admits a CPR token under a lowercase bearer on the deprecated unique-id route", async () => {
    const app = await provisionApp();
    const granted = await grantedToken(app);
    const response = await postJson(
      UNIQUE_ID,
      { transactionId: granted.transactionId, workflowId: app.workflowId, email: "a@example.com" },
      { headers: { Authorization: `bearer ${jwtOf(granted.answer.result.authToken)}` } },
    );
    expect(response.status).toBe(200);
    expect((await json(response)).result.transactionId).toBe(granted.transactionId);
  });
});
