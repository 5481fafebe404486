import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderAdminFault } from "../../src/admin/errors";
import { renderCprFault } from "../../src/cpr/errors";
import { renderOAuthFault } from "../../src/oauth/errors";
import { renderPortalFault } from "../../src/portal/errors";
import { type FaultRenderer, renderPlainFault } from "../../src/shared/fault";
import { renderCustomerApiFault, renderUpiFault } from "../../src/upi/errors";
import { checkSession, login, provisionUser, tokenOf } from "../portal/support";
import { call, json, uid } from "../support/worker";
import { provisionMerchant, storedKeys } from "../upi/support";

/**
 * SPEC §2 "HTTP semantics" (issue 18): trailing slashes, HEAD without effects, one JSON media type,
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
    const before = await storedKeys(merchant.merchantId, customerId);
    const response = await call(`/customers/${customerId}?options.get_client_auth_token=true`, {
      method: "HEAD",
      headers,
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET");
    expect(await storedKeys(merchant.merchantId, customerId)).toEqual(before);
    // The GET twin mints a token, which the customer's object records.
    const minted = await call(`/customers/${customerId}?options.get_client_auth_token=true`, { headers });
    expect(minted.status).toBe(200);
    expect(await storedKeys(merchant.merchantId, customerId)).not.toEqual(before);
  });

  it.each(["/healthz", "/.well-known/jwks.json", "/openapi.json"])(
    "HEAD %s still answers 200",
    async (path) => {
      expect((await call(path, { method: "HEAD" })).status).toBe(200);
    },
  );
});
