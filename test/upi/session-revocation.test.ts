import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { oauthForm } from "../oauth/support";
import { servedDocument } from "../support/openapi";
import { admin, call, json, uid } from "../support/worker";
import {
  bindDevice,
  customerStub,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  signedBody,
} from "./support";

/**
 * docs/upi.md#session-revocation (issue 13 #6): revoking one UPI session token ends that session only; the
 * admin route `POST /admin/v1/merchants/{merchantId}/customers/{customerId}/revoke-sessions`
 * ends all of them.
 */

async function openSession(merchant: ProvisionedMerchant, customerId: string): Promise<string> {
  const response = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.payload.sessionToken as string;
}

async function isLive(token: string): Promise<boolean> {
  return (await json(await oauthForm("introspect", { admin: true }, { token }))).active;
}

async function customerWithSessions(count: number) {
  const merchant = await provisionMerchant();
  const customerId = uid("cust");
  await bindDevice(merchant.merchantId, customerId);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await openSession(merchant, customerId));
  return { merchant, customerId, tokens };
}

const revokeSessions = (merchantId: string, customerId: string) =>
  admin("POST", `/merchants/${merchantId}/customers/${customerId}/revoke-sessions`);

describe("/oauth/revoke ends one session", () => {
  it("leaves the customer's other sessions live (issue 13 #6)", async () => {
    const { merchant, tokens } = await customerWithSessions(3);
    const [first, second, third] = tokens as [string, string, string];
    const auth = { basic: [merchant.merchantId, merchant.apiKey] as [string, string] };
    expect((await oauthForm("revoke", auth, { token: second })).status).toBe(200);
    expect(await Promise.all([first, second, third].map(isLive))).toEqual([true, false, true]);
  });

  it("keeps a revoked session ended when the same token is revoked again, and a new session live", async () => {
    const { merchant, customerId, tokens } = await customerWithSessions(1);
    const token = tokens[0]!;
    expect((await oauthForm("revoke", { admin: true }, { token })).status).toBe(200);
    expect((await oauthForm("revoke", { admin: true }, { token })).status).toBe(200);
    const fresh = await openSession(merchant, customerId);
    expect([await isLive(token), await isLive(fresh)]).toEqual([false, true]);
  });

  it("remembers the revocation until the token's expiry, by its jti", async () => {
    const { merchant, customerId, tokens } = await customerWithSessions(1);
    const token = tokens[0]!;
    expect((await oauthForm("revoke", { admin: true }, { token })).status).toBe(200);
    const [, payload] = token.split(".");
    const claims = JSON.parse(atob(payload!.replaceAll("-", "+").replaceAll("_", "/")));
    const stored = await runInDurableObject(customerStub(merchant, customerId), (_instance, state) =>
      Object.fromEntries(state.storage.kv.list({ prefix: "revoked-session:" })),
    );
    expect(stored).toEqual({ [`revoked-session:${claims.jti}`]: claims.exp * 1000 });
  });
});

describe("POST /admin/v1/merchants/{merchantId}/customers/{customerId}/revoke-sessions", () => {
  it("ends every session of the customer (204) and only that customer's", async () => {
    const { merchant, customerId, tokens } = await customerWithSessions(2);
    const otherCustomer = uid("cust");
    await bindDevice(merchant.merchantId, otherCustomer);
    const bystander = await openSession(merchant, otherCustomer);
    const response = await revokeSessions(merchant.merchantId, customerId);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await Promise.all([...tokens, bystander].map(isLive))).toEqual([false, false, true]);
    // A session opened afterwards is live.
    expect(await isLive(await openSession(merchant, customerId))).toBe(true);
  });

  it("answers 404 for an unknown merchant, 400 for a malformed id, 401 without the admin token", async () => {
    const unknown = await revokeSessions(uid("ghost"), uid("cust"));
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("not_found");
    const merchant = await provisionMerchant();
    const malformed = await revokeSessions(merchant.merchantId, "bad id!");
    expect(malformed.status).toBe(400);
    const anonymous = await call(`/admin/v1/merchants/${merchant.merchantId}/customers/c/revoke-sessions`, {
      method: "POST",
    });
    expect(anonymous.status).toBe(401);
  });

  it("is in the OpenAPI document", () => {
    const document = servedDocument();
    const path = document.paths["/admin/v1/merchants/{merchantId}/customers/{customerId}/revoke-sessions"];
    expect(path?.post?.responses?.["204"]).toBeDefined();
  });
});
