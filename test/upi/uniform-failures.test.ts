import { describe, expect, it } from "vitest";
import { json, TEST_IP, uid } from "../support/worker";
import {
  clientTokenBody,
  customerApiCall,
  failure,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  signedBody,
  storedKeys,
} from "./support";

/**
 * docs/upi.md#uniform-failures uniform failures (issue 13 #4): until the caller's credentials verified, an
 * unknown merchant reads exactly like a merchant with the default settings and no keys, and BAD_ORIGIN is
 * answered only to a caller whose credentials verified.
 */

const OUTSIDE = "198.51.100.7";
const ACTION = "upiGetSessionToken";
const DEFAULT_WINDOW_MS = 15 * 60 * 1000;

/** A signed request naming a merchant that does not exist, with a real key's signature. */
async function unknownMerchantBody(real: ProvisionedMerchant, options: { timestamp?: number } = {}) {
  const ghost = { ...real, merchantId: uid("ghost") };
  return signedBody(ghost, { customerId: uid("c"), ...options });
}

/** The wire answer without the echoed requestId, which differs per request. */
async function answerOf(response: Response) {
  const body = await json(response);
  return { status: response.status, body: { ...body, requestId: "" } };
}

describe("signature mode: an unknown merchant reads like a known one with defaults and no keys", () => {
  it("answers a stale timestamp REQUEST_EXPIRED for both", async () => {
    const merchant = await provisionMerchant();
    const stale = Date.now() - DEFAULT_WINDOW_MS - 60_000;
    const known = await processCall(await signedBody(merchant, { customerId: uid("c"), timestamp: stale }));
    const unknown = await processCall(await unknownMerchantBody(merchant, { timestamp: stale }));
    const expected = {
      status: 401,
      body: failure("", "REQUEST_EXPIRED", "signaturePayload timestamp is too old", ACTION),
    };
    expect(await answerOf(known)).toEqual(expected);
    expect(await answerOf(unknown)).toEqual(expected);
  });

  it("answers a fresh timestamp UNAUTHORIZED for an unknown merchant and for a known one's unknown key", async () => {
    const merchant = await provisionMerchant();
    const body = await signedBody(merchant, { customerId: uid("c") });
    body.payload.merchantKeyId = uid("no-such-key");
    const expected = {
      status: 401,
      body: failure("", "UNAUTHORIZED", "Signature verification failed", ACTION),
    };
    expect(await answerOf(await processCall(body))).toEqual(expected);
    expect(await answerOf(await processCall(await unknownMerchantBody(merchant)))).toEqual(expected);
  });

  it("keeps a window a merchant widened from telling it apart: a payload inside the default window but outside none", async () => {
    const merchant = await provisionMerchant({ signatureMaxAgeSeconds: 3600 });
    const age = Date.now() - DEFAULT_WINDOW_MS - 60_000;
    // The widened merchant accepts it; the unknown merchant judges it by the default window.
    expect(
      (await processCall(await signedBody(merchant, { customerId: uid("c"), timestamp: age }))).status,
    ).toBe(200);
    expect(
      (await json(await processCall(await unknownMerchantBody(merchant, { timestamp: age })))).errorCode,
    ).toBe("REQUEST_EXPIRED");
  });
});

describe("signature mode: BAD_ORIGIN only after the signature verified", () => {
  it("answers a bad signature from outside the allowlist UNAUTHORIZED, not BAD_ORIGIN", async () => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`] });
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    body.payload.signature = btoa("x".repeat(256));
    const response = await processCall(body, OUTSIDE);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(body.requestId, "UNAUTHORIZED", "Signature verification failed", ACTION),
    );
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("answers a stale payload from outside the allowlist REQUEST_EXPIRED, as for anyone", async () => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`] });
    const body = await signedBody(merchant, {
      customerId: uid("c"),
      timestamp: Date.now() - DEFAULT_WINDOW_MS - 60_000,
    });
    expect((await json(await processCall(body, OUTSIDE))).errorCode).toBe("REQUEST_EXPIRED");
  });

  it("answers a verified signature from outside the allowlist BAD_ORIGIN and redeems nothing", async () => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`] });
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const response = await processCall(body, OUTSIDE);
    expect(response.status).toBe(403);
    expect(await json(response)).toEqual(
      failure(body.requestId, "BAD_ORIGIN", "Request not allowed from this IP", ACTION),
    );
    expect(await storedKeys(merchant, customerId)).toEqual([]);
    // Not redeemed: the same payload from inside the allowlist still works.
    expect((await processCall(body)).status).toBe(200);
  });
});

/** Creates a customer through the Customer API and returns a fresh client auth token for it. */
async function issueClientToken(merchant: ProvisionedMerchant, customerId: string): Promise<string> {
  const created = await customerApiCall(merchant, "/customers", {
    form: { object_reference_id: customerId },
  });
  expect(created.status).toBe(200);
  const issued = await customerApiCall(
    merchant,
    `/customers/${customerId}?options.get_client_auth_token=true`,
  );
  expect(issued.status).toBe(200);
  return (await json(issued)).juspay.client_auth_token;
}

describe("client-auth-token mode: the same rules", () => {
  const UNKNOWN_TOKEN = failure(
    "",
    "UNAUTHORIZED",
    "clientAuthToken is not valid for this merchant and customer",
    ACTION,
  );

  it("answers an unknown merchant exactly like a known merchant and an unknown token", async () => {
    const merchant = await provisionMerchant();
    const token = `tkn_${"a".repeat(32)}`;
    const known = await processCall(clientTokenBody(merchant.merchantId, uid("c"), token));
    const unknown = await processCall(clientTokenBody(uid("ghost"), uid("c"), token));
    expect(await answerOf(known)).toEqual({ status: 401, body: UNKNOWN_TOKEN });
    expect(await answerOf(unknown)).toEqual({ status: 401, body: UNKNOWN_TOKEN });
  });

  it("answers an unknown token from outside the allowlist UNAUTHORIZED, not BAD_ORIGIN", async () => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`] });
    const response = await processCall(
      clientTokenBody(merchant.merchantId, uid("c"), `tkn_${"b".repeat(32)}`),
      OUTSIDE,
    );
    expect(await answerOf(response)).toEqual({ status: 401, body: UNKNOWN_TOKEN });
  });

  it("answers a valid token from outside the allowlist BAD_ORIGIN without using it up", async () => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`], clientAuthTokenMaxUses: 1 });
    const customerId = uid("c");
    const token = await issueClientToken(merchant, customerId);
    const outside = await processCall(clientTokenBody(merchant.merchantId, customerId, token), OUTSIDE);
    expect(await answerOf(outside)).toEqual({
      status: 403,
      body: failure("", "BAD_ORIGIN", "Request not allowed from this IP", ACTION),
    });
    // Its one use is still there.
    expect((await processCall(clientTokenBody(merchant.merchantId, customerId, token))).status).toBe(200);
  });
});
