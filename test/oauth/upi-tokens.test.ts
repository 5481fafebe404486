import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { provisionApp } from "../support/tenants";
import { call, json, uid } from "../support/worker";
import {
  bindDevice,
  clientTokenBody,
  customerApiCall,
  processCall,
  provisionMerchant,
  signedBody,
} from "../upi/support";
import { oauthForm } from "./support";

async function sessionToken() {
  const merchant = await provisionMerchant();
  const customerId = uid("cust");
  await bindDevice(merchant.merchantId, customerId);
  const response = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { merchant, customerId, token: body.payload.sessionToken as string };
}

async function clientAuthToken() {
  const merchant = await provisionMerchant();
  const customerId = uid("cust");
  // The option in the query string, as Juspay's docs show it for creation too.
  const response = await customerApiCall(merchant, "/customers?options.get_client_auth_token=true", {
    form: { object_reference_id: customerId, mobile_number: "9876543210" },
  });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { merchant, customerId, token: body.juspay.client_auth_token as string };
}

function processWithClientToken(merchantId: string, customerId: string, clientAuthToken: string) {
  return processCall(clientTokenBody(merchantId, customerId, clientAuthToken));
}

describe("/oauth with UPI session tokens", () => {
  it("describes a live session token to its merchant (Basic merchantId:apiKey)", async () => {
    const { merchant, customerId, token } = await sessionToken();
    const response = await oauthForm(
      "introspect",
      { basic: [merchant.merchantId, merchant.apiKey] },
      { token },
    );
    const body = await json(response);
    expect(body).toMatchObject({
      active: true,
      token_type: "Bearer",
      sub: customerId,
      iss: `${env.ISSUER}/upi`,
      aud: merchant.merchantId,
      merchantId: merchant.merchantId,
      customerId,
    });
    expect(body.exp - body.iat).toBe(15 * 60);
  });

  it("hides it from another merchant and from a CPR app", async () => {
    const { token } = await sessionToken();
    const other = await provisionMerchant();
    const app = await provisionApp();
    for (const basic of [
      [other.merchantId, other.apiKey],
      [app.appId, app.appKey],
    ] as [string, string][]) {
      expect(await json(await oauthForm("introspect", { basic }, { token }))).toEqual({ active: false });
    }
  });

  it("is never accepted where a CPR token is expected", async () => {
    const { token } = await sessionToken();
    const response = await call("/v2/generate-unique-id", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ transactionId: "t", workflowId: "w", email: "a@b.co" }),
    });
    expect(response.status).toBe(401);
  });

  it("stops being live at once when its merchant revokes it", async () => {
    const { merchant, token } = await sessionToken();
    const auth = { basic: [merchant.merchantId, merchant.apiKey] as [string, string] };
    expect((await oauthForm("revoke", auth, { token })).status).toBe(200);
    expect(await json(await oauthForm("introspect", { admin: true }, { token }))).toEqual({ active: false });
  });
});

describe("/oauth with client auth tokens", () => {
  it("introspection describes a live tkn_ token without using it up", async () => {
    const { merchant, customerId, token } = await clientAuthToken();
    const auth = { basic: [merchant.merchantId, merchant.apiKey] as [string, string] };
    for (let i = 0; i < 3; i++) {
      const body = await json(await oauthForm("introspect", auth, { token }));
      expect(body).toMatchObject({ active: true, sub: customerId });
    }
    expect((await processWithClientToken(merchant.merchantId, customerId, token)).status).toBe(200);
  });

  // docs/tokens.md#metadata: one issuer per kind of UPI token, whichever form it takes: the UPI issuer's
  // metadata (`/.well-known/oauth-authorization-server/upi`) is where a resource server finds this endpoint.
  it("introspection names the UPI issuer, as for the family's session tokens", async () => {
    const { merchant, customerId, token } = await clientAuthToken();
    const body = await json(
      await oauthForm("introspect", { basic: [merchant.merchantId, merchant.apiKey] }, { token }),
    );
    expect(body).toMatchObject({
      active: true,
      token_type: "client_auth_token",
      sub: customerId,
      iss: `${env.ISSUER}/upi`,
      aud: merchant.merchantId,
    });
    const metadata = await json(await call("/.well-known/oauth-authorization-server/upi"));
    expect(body.iss).toBe(metadata.issuer);
  });

  it("a revoked client auth token no longer opens a session", async () => {
    const { merchant, customerId, token } = await clientAuthToken();
    expect((await oauthForm("revoke", { admin: true }, { token })).status).toBe(200);
    expect(await json(await oauthForm("introspect", { admin: true }, { token }))).toEqual({ active: false });
    const response = await processWithClientToken(merchant.merchantId, customerId, token);
    expect(response.status).toBe(401);
  });
});
