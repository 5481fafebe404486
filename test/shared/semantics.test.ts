import { listDurableObjectIds } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderAdminFault } from "../../src/admin/errors";
import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "../../src/admin/limits";
import { renderCprFault } from "../../src/cpr/errors";
import { uniqueIdBodySchema } from "../../src/cpr/schema";
import { renderOAuthFault } from "../../src/oauth/errors";
import { renderPortalFault } from "../../src/portal/errors";
import { type FaultRenderer, renderPlainFault } from "../../src/shared/fault";
import { ConfigurationError, parseVars } from "../../src/shared/vars";
import { renderCustomerApiFault, renderUpiFault } from "../../src/upi/errors";
import { customerIdParamSchema } from "../../src/upi/schema";
import { parseSignedPayload } from "../../src/upi/signature";
import { badBody, tokenBody } from "../cpr/helpers";
import { fetchWith } from "../hardening/fixtures";
import { checkSession, login, provisionOrg, provisionUser, tokenOf } from "../portal/support";
import { provisionApp } from "../support/tenants";
import { call, configKeys, json, uid } from "../support/worker";
import { customerApiCall, provisionMerchant, storedKeys } from "../upi/support";

/**
 * docs/http.md (issue 18): trailing slashes, HEAD without effects, one JSON media type,
 * repeated parameters. Every case goes through the Worker's real `fetch`.
 */

const adminAuth = () => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });

async function expectFault(response: Response, render: FaultRenderer, fault: Parameters<FaultRenderer>[0]) {
  const wire = render(fault);
  expect(response.status).toBe(wire.status);
  expect(await json(response)).toEqual(wire.body);
}

describe("a trailing slash that no route serves is 404 in the family's envelope, not 405", () => {
  it.each<[string, string, FaultRenderer, Record<string, string>]>([
    ["plain", "/healthz/", renderPlainFault, {}],
    ["plain", "/.well-known/jwks.json/", renderPlainFault, {}],
    ["CPR", "/v2/auth/token/", renderCprFault, {}],
    ["portal", "/api_auth/", renderPortalFault, {}],
    ["portal", "/api_auth/session/", renderPortalFault, {}],
    ["UPI", "/hyperapi/process/", renderUpiFault, {}],
    ["UPI Customer API", "/customers/", renderCustomerApiFault, {}],
    ["UPI Customer API", "/customers/c-1/", renderCustomerApiFault, {}],
    ["OAuth", "/oauth/introspect/", renderOAuthFault, {}],
    ["admin", "/admin/v1/apps/", renderAdminFault, adminAuth()],
    ["admin", "/admin/v1/apps/some-app/", renderAdminFault, adminAuth()],
  ])("%s: %s", async (_family, path, render, headers) => {
    for (const method of ["GET", "POST", "HEAD"]) {
      const response = await call(path, { method, headers });
      expect(response.status, method).toBe(404);
      expect(response.headers.get("Allow"), method).toBeNull();
      if (method !== "HEAD") await expectFault(response, render, "not_found");
    }
  });

  it("still answers the route itself, and 405 with Allow on it", async () => {
    expect((await call("/healthz")).status).toBe(200);
    const response = await call("/healthz", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });
});

describe("HEAD never changes state: 405 with Allow where GET logs in or mints a token", () => {
  it("HEAD /api_auth?refresh_token=1 is 405 and the live token keeps working", async () => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    const response = await login(user, { refresh: "1", method: "HEAD" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, POST");
    expect((await checkSession(token)).status).toBe(200);
    // The same request as a GET does end it: the HEAD above was refused, not merely harmless.
    expect((await login(user, { refresh: "1", method: "GET" })).status).toBe(200);
    expect((await checkSession(token)).status).toBe(401);
  });

  it("HEAD /api_auth without a refresh logs nobody in (405) and Allow no longer offers HEAD", async () => {
    const user = await provisionUser();
    const head = await login(user, { method: "HEAD" });
    expect(head.status).toBe(405);
    const wrongMethod = await call("/api_auth", { method: "DELETE" });
    expect(wrongMethod.headers.get("Allow")).toBe("GET, POST");
    await expectFault(wrongMethod, renderPortalFault, "method_not_allowed");
  });

  it("HEAD on the Customer API with options.get_client_auth_token=true is 405 and mints nothing", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const headers = {
      Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}`,
      "x-merchantid": merchant.merchantId,
    };
    const created = await call("/customers", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ object_reference_id: customerId }),
    });
    expect(created.status).toBe(200);
    const before = await storedKeys(merchant, customerId);
    const response = await call(`/customers/${customerId}?options.get_client_auth_token=true`, {
      method: "HEAD",
      headers,
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, POST");
    expect(await storedKeys(merchant, customerId)).toEqual(before);
    // The GET twin mints a token, which the customer's object records.
    const minted = await call(`/customers/${customerId}?options.get_client_auth_token=true`, { headers });
    expect(minted.status).toBe(200);
    expect(await storedKeys(merchant, customerId)).not.toEqual(before);
  });

  // HEAD of /openapi.json and /docs: the asset router's (test/browser/docs.mjs).
  it.each(["/healthz", "/.well-known/jwks.json"])("HEAD %s still answers 200", async (path) => {
    expect((await call(path, { method: "HEAD" })).status).toBe(200);
  });
});

describe("vars are checked before any state changes (docs/http.md#checked-vars)", () => {
  const BAD_ZONE = { TIMEZONE: "Mars/Olympus_Mons" } as unknown as Partial<Env>;

  it("parses the vars: TIMEZONE and MAX_BODY_BYTES have defaults, ISSUER has none", () => {
    expect(parseVars({ ISSUER: "https://authedge.example.com" })).toEqual({
      issuer: "https://authedge.example.com",
      timeZone: "Asia/Kolkata",
      maxBodyBytes: 65_536,
    });
    expect(parseVars({ ISSUER: "http://localhost:8787", TIMEZONE: "UTC", MAX_BODY_BYTES: "1024" })).toEqual({
      issuer: "http://localhost:8787",
      timeZone: "UTC",
      maxBodyBytes: 1024,
    });
    expect(parseVars({ ISSUER: "http://[::1]:8787" }).issuer).toBe("http://[::1]:8787");
  });

  it.each([
    [{ TIMEZONE: "Mars/Olympus_Mons" }, "TIMEZONE is not a known IANA time zone"],
    [{ ISSUER: undefined }, "ISSUER is not set"],
    [{ ISSUER: "authedge.example.com" }, "ISSUER is not a URL"],
    [{ ISSUER: "http://authedge.example.com" }, "ISSUER must be an https URL"],
    [{ ISSUER: "https://authedge.example.com/?x=1" }, "ISSUER must have no query or fragment"],
    [{ ISSUER: "https://authedge.example.com/auth" }, "ISSUER must be an origin, with no path"],
    [
      { ISSUER: "https://Authedge.Example.com:443" },
      "ISSUER must be written as its origin, https://authedge.example.com",
    ],
    [
      { ISSUER: "https://user:pw@authedge.example.com" },
      "ISSUER must be written as its origin, https://authedge.example.com",
    ],
    [
      { ISSUER: "https://authedge.example.com/." },
      "ISSUER must be written as its origin, https://authedge.example.com",
    ],
    [{ MAX_BODY_BYTES: "64k" }, "MAX_BODY_BYTES must be a whole number from 1 to 100000000"],
    [{ MAX_BODY_BYTES: "0" }, "MAX_BODY_BYTES must be a whole number from 1 to 100000000"],
    [{ MAX_BODY_BYTES: "200000000" }, "MAX_BODY_BYTES must be a whole number from 1 to 100000000"],
  ])("refuses %j: %s", (change, message) => {
    expect(() => parseVars({ ISSUER: "https://authedge.example.com", ...change })).toThrow(
      new ConfigurationError(message),
    );
  });

  it("an unknown TIMEZONE: a refresh is the portal 500 and the old token still works", async () => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    const response = await fetchWith(
      "/api_auth?refresh_token=1",
      { headers: { "X-User-Email": user.email, "X-User-Password": user.password } },
      BAD_ZONE,
    );
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual(renderPortalFault("internal").body);
    const session = await checkSession(token);
    expect(session.status).toBe(200);
    expect((await json(session)).email).toBe(user.email);
  });

  it("an unknown TIMEZONE: creating an org is the admin 500 and writes nothing, not even a sequence number", async () => {
    const first = await provisionOrg();
    const keys = await configKeys();
    const response = await fetchWith(
      "/admin/v1/orgs",
      {
        method: "POST",
        headers: { ...adminAuth(), "Content-Type": "application/json" },
        body: '{"name":"x"}',
      },
      BAD_ZONE,
    );
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual(renderAdminFault("internal").body);
    expect(await configKeys()).toEqual(keys);
    expect((await provisionOrg()).id).toBe(first.id + 1);
  });

  it("a missing TIMEZONE means Asia/Kolkata", async () => {
    const response = await fetchWith(
      "/admin/v1/orgs",
      {
        method: "POST",
        headers: { ...adminAuth(), "Content-Type": "application/json" },
        body: '{"name":"x"}',
      },
      { TIMEZONE: "" } as unknown as Partial<Env>,
    );
    expect(response.status).toBe(201);
    expect((await json(response)).created_at).toMatch(/\+05:30$/);
  });

  it.each([
    ["ISSUER missing", { ISSUER: "" }],
    ["ISSUER not https", { ISSUER: "http://authedge.example.com" }],
    ["MAX_BODY_BYTES not a number", { MAX_BODY_BYTES: "64k" }],
  ])("%s: a CPR token request is the CPR 500, before the transaction is touched", async (_what, change) => {
    const app = await provisionApp();
    const body = tokenBody(app);
    const keys = await configKeys();
    const objects = await listDurableObjectIds(env.CPR_TRANSACTIONS);
    const response = await fetchWith(
      "/v2/auth/token",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
      change as unknown as Partial<Env>,
    );
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual(renderCprFault("internal").body);
    expect(await listDurableObjectIds(env.CPR_TRANSACTIONS)).toEqual(objects);
    expect(await configKeys()).toEqual(keys);
  });

  // RFC 8414 §3.1 puts the document of `https://host/auth/cpr` at
  // `/.well-known/oauth-authorization-server/auth/cpr`, and its jwks_uri would name
  // `/auth/.well-known/jwks.json`: neither is a route. The Worker serves every document at the root.
  it.each(["/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/cpr"])(
    "an ISSUER with a path: %s is the 500 of a bad var, not a document pointing nowhere",
    async (path) => {
      const response = await fetchWith(path, {}, {
        ISSUER: "https://authedge.example.com/auth",
      } as unknown as Partial<Env>);
      expect(response.status).toBe(500);
      expect(await json(response)).toEqual(renderPlainFault("internal").body);
      // The twin: an origin (a trailing slash tolerated) serves the document of the root's issuer.
      for (const issuer of ["https://authedge.example.com", "https://authedge.example.com/"]) {
        const served = await fetchWith(path, {}, { ISSUER: issuer } as unknown as Partial<Env>);
        expect(served.status).toBe(200);
        expect((await json(served)).jwks_uri).toBe("https://authedge.example.com/.well-known/jwks.json");
      }
    },
  );

  it("MAX_BODY_BYTES is the body cap, as checked", async () => {
    const response = await fetchWith(
      "/v2/auth/token",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: "x".repeat(2048) },
      { MAX_BODY_BYTES: "1024" } as unknown as Partial<Env>,
    );
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual(renderCprFault("payload_too_large", 1024).body);
  });
});

describe("one JSON media type on every family: application/json only (docs/http.md#media-type)", () => {
  const OTHER_JSON_TYPES = ["application/vnd.api+json", "application/merge-patch+json", "text/json"];

  it.each(OTHER_JSON_TYPES)("CPR: a valid body sent as %s counts as missing", async (type) => {
    const app = await provisionApp();
    const response = await call("/v2/auth/token", {
      method: "POST",
      headers: { "Content-Type": type },
      body: JSON.stringify(tokenBody(app)),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(badBody('"appId" is required'));
  });

  it.each(OTHER_JSON_TYPES)("admin: a valid app sent as %s is 400 and creates nothing", async (type) => {
    const appId = uid("app");
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers: { ...adminAuth(), "Content-Type": type },
      body: JSON.stringify({ appId, ipAllowlist: [], workflows: [] }),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: { code: "invalid_request", message: "appId: is required" },
    });
    expect(await env.CONFIG.get(`app:${appId}`)).toBeNull();
  });

  it.each(OTHER_JSON_TYPES)("UPI: a process request sent as %s counts as missing", async (type) => {
    const response = await call("/hyperapi/process", {
      method: "POST",
      headers: { "Content-Type": type },
      body: JSON.stringify({ requestId: crypto.randomUUID(), service: "in.juspay.hyperapi", payload: {} }),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).errorCode).toBe("MISSING_MANDATORY_PARAMETER");
  });

  it.each(OTHER_JSON_TYPES)("UPI Customer API: a customer sent as %s counts as missing", async (type) => {
    const merchant = await provisionMerchant();
    const response = await call("/customers", {
      method: "POST",
      headers: {
        Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}`,
        "x-merchantid": merchant.merchantId,
        "Content-Type": type,
      },
      body: JSON.stringify({ object_reference_id: uid("c") }),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error_message).toBe("Mandatory parameter object_reference_id is missing");
  });

  it.each(OTHER_JSON_TYPES)("OAuth: a token sent as %s counts as missing", async (type) => {
    const response = await call("/oauth/introspect", {
      method: "POST",
      headers: { ...adminAuth(), "Content-Type": type },
      body: JSON.stringify({ token: "x" }),
    });
    expect(response.status).toBe(400);
    expect((await json(response)).error).toBe("invalid_request");
  });

  it.each(["application/json", "Application/JSON; charset=UTF-8", "application/json;charset=utf-8"])(
    "CPR and admin take %s",
    async (type) => {
      const app = await provisionApp();
      const token = await call("/v2/auth/token", {
        method: "POST",
        headers: { "Content-Type": type },
        body: JSON.stringify(tokenBody(app)),
      });
      expect(token.status).toBe(200);
      const appId = uid("app");
      const created = await call("/admin/v1/apps", {
        method: "POST",
        headers: { ...adminAuth(), "Content-Type": type },
        body: JSON.stringify({ appId, ipAllowlist: [], workflows: [] }),
      });
      expect(created.status).toBe(201);
    },
  );
});

describe("a token parameter given twice is 400 invalid_request (RFC 6749 §3.1)", () => {
  const REPEATED = {
    error: "invalid_request",
    error_description: "The token parameter must appear only once",
  };

  async function liveToken(): Promise<string> {
    return tokenOf(await login(await provisionUser()));
  }

  /** POSTs to an OAuth endpoint with the admin token. */
  function asAdmin(path: string, contentType: string, body: string) {
    return call(path, { method: "POST", headers: { ...adminAuth(), "Content-Type": contentType }, body });
  }

  /** 400 REPEATED, and the token is still live: nothing was revoked. */
  async function expectRepeated(response: Response, token: string) {
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(REPEATED);
    expect((await checkSession(token)).status).toBe(200);
  }

  const FORM = "application/x-www-form-urlencoded";

  it.each(["/oauth/introspect", "/oauth/revoke"])("%s: token twice in the form", async (path) => {
    const token = await liveToken();
    const form = new URLSearchParams([
      ["token", "not-a-token"],
      ["token", token],
    ]).toString();
    await expectRepeated(await asAdmin(path, FORM, form), token);
  });

  it.each(["/oauth/introspect", "/oauth/revoke"])("%s: token in the query and in the form", async (path) => {
    const token = await liveToken();
    const form = new URLSearchParams({ token }).toString();
    await expectRepeated(await asAdmin(`${path}?token=${encodeURIComponent(token)}`, FORM, form), token);
  });

  it("/oauth/revoke: token twice in a JSON object", async () => {
    const token = await liveToken();
    const text = `{"token":"not-a-token","token":${JSON.stringify(token)}}`;
    await expectRepeated(await asAdmin("/oauth/revoke", "application/json", text), token);
  });

  it("token once still revokes (the almost-right twin)", async () => {
    const token = await liveToken();
    const response = await asAdmin("/oauth/revoke", FORM, new URLSearchParams({ token }).toString());
    expect(response.status).toBe(200);
    expect((await checkSession(token)).status).toBe(401);
  });
});

describe("ids a URL path cannot carry back (. and ..) are 400 where a family creates them (docs/admin.md#ids)", () => {
  it.each([".", ".."])(
    "CPR: transactionId %j on /v2/auth/token and the legacy route, no transaction made",
    async (id) => {
      const app = await provisionApp();
      const objects = await listDurableObjectIds(env.CPR_TRANSACTIONS);
      for (const path of ["/v2/auth/token", "/v2/generate-auth-token"]) {
        const response = await call(path, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(tokenBody(app, { transactionId: id })),
        });
        expect(response.status, path).toBe(400);
        expect(await json(response), path).toEqual(badBody('"transactionId" must not be "." or ".."'));
      }
      expect(await listDurableObjectIds(env.CPR_TRANSACTIONS)).toEqual(objects);
    },
  );

  it("CPR: the deprecated route's body refuses them too, and takes ids that merely contain dots", () => {
    for (const id of [".", ".."]) {
      const result = uniqueIdBodySchema.safeParse({
        transactionId: id,
        workflowId: "w",
        email: "a@example.com",
      });
      expect(result.error?.issues[0]?.message).toBe('"transactionId" must not be "." or ".."');
    }
    for (const id of ["...", ".a", "a..b"]) {
      expect(
        uniqueIdBodySchema.safeParse({ transactionId: id, workflowId: "w", email: "a@example.com" }).success,
      ).toBe(true);
    }
  });

  it.each([".", ".."])(
    "UPI Customer API: object_reference_id %j is 400 and no customer is made",
    async (id) => {
      const merchant = await provisionMerchant();
      const objects = await listDurableObjectIds(env.UPI_CUSTOMERS);
      const response = await customerApiCall(merchant, "/customers", { form: { object_reference_id: id } });
      expect(response.status).toBe(400);
      expect((await json(response)).error_message).toBe(
        'Wrong value in object_reference_id: must not be "." or ".."',
      );
      expect(await listDurableObjectIds(env.UPI_CUSTOMERS)).toEqual(objects);
    },
  );

  it.each([".", ".."])("UPI signature mode: customer_id %j is 400 INVALID_INPUT", (id) => {
    const text = JSON.stringify({ merchant_id: "m-1", customer_id: id, timestamp: String(Date.now()) });
    expect(parseSignedPayload(text)).toEqual({
      ok: false,
      reason: { code: "invalid_input", message: 'signaturePayload.customer_id must not be "." or ".."' },
    });
  });

  it("admin customer routes: the customerId parameter schema refuses them", () => {
    for (const customerId of [".", ".."]) {
      expect(customerIdParamSchema.safeParse({ merchantId: "m-1", customerId }).success).toBe(false);
    }
    expect(customerIdParamSchema.safeParse({ merchantId: "m-1", customerId: "c.1" }).success).toBe(true);
  });
});

describe("every list a tenant holds has a documented maximum, named in the 400 (docs/admin.md#limits)", () => {
  const entries = (count: number) => Array.from({ length: count }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
  const workflows = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`);

  it.each<[string, Record<string, unknown>, string]>([
    [
      "1,001 allowlist entries",
      { ipAllowlist: entries(MAX_ALLOWLIST_ENTRIES + 1), workflows: [] },
      "ipAllowlist: must hold at most 1000 entries",
    ],
    [
      "1,001 workflows",
      { ipAllowlist: [], workflows: workflows(MAX_WORKFLOWS + 1) },
      "workflows: must hold at most 1000 entries",
    ],
  ])("an app with %s is 400 and not created", async (_what, lists, message) => {
    const appId = uid("app");
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers: { ...adminAuth(), "Content-Type": "application/json" },
      body: JSON.stringify({ appId, ...lists }),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: "invalid_request", message } });
    expect(await env.CONFIG.get(`app:${appId}`)).toBeNull();
  });

  it("an app with exactly 1,000 allowlist entries and 1,000 workflows is created", async () => {
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers: { ...adminAuth(), "Content-Type": "application/json" },
      body: JSON.stringify({ appId: uid("app"), ipAllowlist: entries(1000), workflows: workflows(1000) }),
    });
    expect(response.status).toBe(201);
  });
});
