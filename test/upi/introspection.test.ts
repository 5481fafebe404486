import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { upiClientAuthTokens, upiSessionTokens } from "../../src/upi/introspection";
import { json, uid } from "../support/worker";
import {
  clientTokenBody,
  customerApiCall,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  signedBody,
} from "./support";

let merchant: ProvisionedMerchant;
beforeAll(async () => {
  merchant = await provisionMerchant();
});

async function sessionToken(customerId = uid("c")): Promise<string> {
  const answer = await json(await processCall(await signedBody(merchant, { customerId })));
  return answer.payload.sessionToken;
}

async function clientAuthToken(customerId = uid("c")): Promise<string> {
  const response = await customerApiCall(merchant, "/customers", {
    json: { object_reference_id: customerId, "options.get_client_auth_token": "true" },
  });
  return (await json(response)).juspay.client_auth_token;
}

describe("UPI session tokens as a TokenFamily (docs/tokens.md#introspection)", () => {
  it("recognises session JWTs only", async () => {
    expect(upiSessionTokens.recognises(await sessionToken())).toBe(true);
    expect(upiSessionTokens.recognises(`tkn_${"a".repeat(32)}`)).toBe(false);
    expect(upiSessionTokens.recognises("a.b.c")).toBe(false);
  });

  it("introspects a live token with the merchant as owner", async () => {
    const customerId = uid("c");
    const token = await sessionToken(customerId);
    const live = await upiSessionTokens.introspect(env, token, Date.now());
    expect(live).toEqual({
      owner: { kind: "merchant", merchantId: merchant.merchantId },
      claims: {
        token_type: "Bearer",
        exp: expect.any(Number),
        iat: expect.any(Number),
        sub: customerId,
        iss: `${env.ISSUER}/upi`,
        aud: merchant.merchantId,
        merchantId: merchant.merchantId,
        customerId,
      },
    });
  });

  it("is not live after expiry or once revoked, and a later session is live again", async () => {
    const customerId = uid("c");
    const token = await sessionToken(customerId);
    expect(await upiSessionTokens.introspect(env, token, Date.now() + 15 * 60_000 + 1_000)).toBeUndefined();
    await upiSessionTokens.revoke(env, token, Date.now());
    await upiSessionTokens.revoke(env, token, Date.now());
    expect(await upiSessionTokens.introspect(env, token, Date.now())).toBeUndefined();
    const later = await sessionToken(customerId);
    expect(await upiSessionTokens.introspect(env, later, Date.now())).toBeDefined();
  });

  it("rejects a session token with one character changed", async () => {
    const token = await sessionToken();
    const forged = `${token.slice(0, -3)}${token.at(-3) === "A" ? "B" : "A"}${token.slice(-2)}`;
    expect(await upiSessionTokens.introspect(env, forged, Date.now())).toBeUndefined();
  });
});

describe("client auth tokens as a TokenFamily (docs/tokens.md#introspection)", () => {
  it("introspects a live token without using it, then revokes it at once", async () => {
    const customerId = uid("c");
    const token = await clientAuthToken(customerId);
    expect(upiClientAuthTokens.recognises(token)).toBe(true);
    const live = await upiClientAuthTokens.introspect(env, token, Date.now());
    expect(live).toEqual({
      owner: { kind: "merchant", merchantId: merchant.merchantId },
      claims: expect.objectContaining({
        sub: customerId,
        aud: merchant.merchantId,
        merchantId: merchant.merchantId,
        customerId,
      }),
    });
    expect(live!.claims.exp).toBe((live!.claims.iat as number) + 900);
    for (let i = 0; i < 25; i++) await upiClientAuthTokens.introspect(env, token, Date.now());
    const use = await processCall(clientTokenBody(merchant.merchantId, customerId, token));
    expect(use.status).toBe(200);
    await upiClientAuthTokens.revoke(env, token, Date.now());
    expect(await upiClientAuthTokens.introspect(env, token, Date.now())).toBeUndefined();
    const after = await processCall(clientTokenBody(merchant.merchantId, customerId, token));
    expect(after.status).toBe(401);
  });

  it("is not live past its expiry, nor for an unknown token", async () => {
    const token = await clientAuthToken();
    expect(await upiClientAuthTokens.introspect(env, token, Date.now() + 15 * 60_000 + 1)).toBeUndefined();
    expect(await upiClientAuthTokens.introspect(env, `tkn_${"z".repeat(32)}`, Date.now())).toBeUndefined();
    await expect(
      upiClientAuthTokens.revoke(env, `tkn_${"z".repeat(32)}`, Date.now()),
    ).resolves.toBeUndefined();
  });
});
