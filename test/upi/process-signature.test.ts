import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { UpiCustomer } from "../../src/upi/customer";
import { admin, json, uid } from "../support/worker";
import {
  bindDevice,
  customerStub,
  DEMO_ACCOUNT,
  failure,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  SERVICE,
  signedBody,
  storedKeys,
  verifiedSession,
} from "./support";

let merchant: ProvisionedMerchant;
beforeAll(async () => {
  merchant = await provisionMerchant({ prefix: "ABC" });
});

const FRESH_FIELDS = {
  status: "FRESH",
  isDeviceBound: "false",
  isDeviceActivated: "false",
  prefix: "ABC",
  customerMobileNumber: "",
  deviceFingerPrint: "",
};

function success(requestId: string, payload: Record<string, unknown>, action = "upiGetSessionToken") {
  return {
    requestId,
    service: SERVICE,
    payload: {
      action,
      ...payload,
      sessionToken: expect.any(String),
      sessionTokenExpiry: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    },
    error: false,
    errorMessage: "",
    errorCode: "",
    event: "process_result",
  };
}

describe("upiGetSessionToken by merchant signature (docs/upi.md#signature-mode)", () => {
  it("answers FRESH for a customer without a device, with a session JWT that verifies against the JWKS", async () => {
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId, extra: { otherInfo: "order-42" } });
    const response = await processCall(body);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const answer = await json(response);
    expect(answer).toEqual(success(body.requestId, { ...FRESH_FIELDS, otherInfo: "order-42" }));
    const claims = await verifiedSession(answer.payload.sessionToken, merchant.merchantId);
    expect(claims).toMatchObject({ sub: customerId, merchantId: merchant.merchantId, customerId, rev: 0 });
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(Date.parse(answer.payload.sessionTokenExpiry)).toBe(claims.exp! * 1000);
    expect(claims).not.toHaveProperty("deviceFingerPrint");
  });

  it("answers BOUND for a bound device without accounts, masking the number", async () => {
    const customerId = uid("c");
    await bindDevice(merchant.merchantId, customerId, { deviceFingerPrint: "fp-bound", activated: false });
    const body = await signedBody(merchant, { customerId, mobile: "919876543210" });
    const answer = await json(await processCall(body));
    expect(answer).toEqual(
      success(body.requestId, {
        status: "BOUND",
        isDeviceBound: "true",
        isDeviceActivated: "false",
        prefix: "ABC",
        customerMobileNumber: "91XXXXXX3210",
        deviceFingerPrint: "fp-bound",
      }),
    );
    expect(await verifiedSession(answer.payload.sessionToken, merchant.merchantId)).toMatchObject({
      deviceFingerPrint: "fp-bound",
    });
  });

  it("answers LINKED with the seed's account fields for a bound device with accounts", async () => {
    const customerId = uid("c");
    const vpaAccounts = [{ vpa: "jane@demo", accounts: [{ ...DEMO_ACCOUNT, isInitialTopUpDone: "true" }] }];
    await bindDevice(merchant.merchantId, customerId, { mobileNumber: "+91 98765 43210" }, vpaAccounts);
    const body = await signedBody(merchant, { customerId, mobile: "09876543210", action: "updateAuth" });
    const answer = await json(await processCall(body));
    expect(answer).toEqual(
      success(
        body.requestId,
        {
          status: "LINKED",
          isDeviceBound: "true",
          isDeviceActivated: "true",
          prefix: "ABC",
          vpaAccounts,
          customerMobileNumber: "91XXXXXX3210",
          deviceFingerPrint: "fp-1",
        },
        "updateAuth",
      ),
    );
  });

  it.each([
    ["another mobile number in the signed payload", { mobile: "919999999999" }],
    [
      "the bound number only in the unsigned outer field",
      { mobile: "919999999999", extra: { customerMobileNumber: "919876543210" } },
    ],
  ])("answers FRESH when the binding is for another number: %s", async (_title, options) => {
    const customerId = uid("c");
    await bindDevice(merchant.merchantId, customerId, {}, [{ vpa: "jane@demo", accounts: [DEMO_ACCOUNT] }]);
    const body = await signedBody(merchant, { customerId, ...options });
    const answer = await json(await processCall(body));
    expect(answer).toEqual(success(body.requestId, FRESH_FIELDS));
  });

  it("accepts URL-safe, unpadded and URL-encoded signatures and a numeric timestamp", async () => {
    for (const encode of [
      (s: string) => s.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, ""),
      (s: string) => encodeURIComponent(s),
    ]) {
      const body = await signedBody(merchant, {
        customerId: uid("c"),
        signaturePayload: JSON.stringify({
          merchant_id: merchant.merchantId,
          customer_id: uid("c"),
          timestamp: Date.now(),
        }),
      });
      body.payload.signature = encode(body.payload.signature);
      const response = await processCall(body);
      expect(response.status).toBe(200);
    }
  });
});

describe("replay protection (docs/upi.md#replay)", () => {
  it("returns the same answer for the same requestId and 409 for another requestId", async () => {
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const first = await json(await processCall(body));
    const again = await json(await processCall(body));
    expect(again).toEqual(first);
    const replay = await processCall({ ...body, requestId: crypto.randomUUID() });
    expect(replay.status).toBe(409);
    const replayBody = await json(replay);
    expect(replayBody).toEqual(
      failure(
        replayBody.requestId,
        "DUPLICATE_REQUEST",
        "This signaturePayload has already been used",
        "upiGetSessionToken",
      ),
    );
  });

  it("lets at most one of 20 parallel replays with distinct requestIds redeem the payload", async () => {
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => processCall({ ...body, requestId: crypto.randomUUID() })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(409)]);
  });

  it("still refuses a redeemed payload after the merchant widens its window and the redemptions are swept", async () => {
    const narrow = await provisionMerchant({ signatureMaxAgeSeconds: 30 });
    const customerId = uid("c");
    const timestamp = Date.now() - 10_000;
    const body = await signedBody(narrow, { customerId, timestamp });
    expect((await processCall(body)).status).toBe(200);
    // Ten minutes on, the customer's object sweeps (here on a redemption of another payload).
    const later = timestamp + 10 * 60_000;
    await runInDurableObject(customerStub(narrow, customerId), (instance: UpiCustomer) =>
      instance.sessionForSignedPayload("another-payload", crypto.randomUUID(), later + 60_000, {
        merchantId: narrow.merchantId,
        incarnation: narrow.incarnation,
        customerId,
        prefix: "",
        now: later,
      }),
    );
    expect(
      (await admin("PATCH", `/merchants/${narrow.merchantId}`, { signatureMaxAgeSeconds: 3600 })).status,
    ).toBe(200);
    const replay = await processCall({ ...body, requestId: crypto.randomUUID() });
    expect(replay.status).toBe(409);
    expect((await json(replay)).errorCode).toBe("DUPLICATE_REQUEST");
  });

  it("gives 20 parallel retries of one requestId one and the same session token", async () => {
    const body = await signedBody(merchant, { customerId: uid("c") });
    const answers = await Promise.all(Array.from({ length: 20 }, async () => json(await processCall(body))));
    const tokens = new Set(answers.map((answer) => answer.payload.sessionToken));
    expect(answers.every((answer) => answer.error === false)).toBe(true);
    expect(tokens.size).toBe(1);
  });
});

describe("bad input (issue 5): its code, no state change, no 500", () => {
  const customerId = () => uid("c");

  it.each([
    [
      "wrong service",
      async () => ({ ...(await signedBody(merchant)), service: "in.juspay.other" }),
      400,
      "INVALID_INPUT",
      "service must be in.juspay.hyperapi",
    ],
    [
      "unknown action",
      async () => signedBody(merchant, { action: "upiGetBalance" }),
      400,
      "FEATURE_NOT_ENABLED",
      "payload.action must be upiGetSessionToken or updateAuth",
    ],
    [
      "non-UUID requestId",
      async () => signedBody(merchant, { requestId: "abcd-12345-abcd-12345" }),
      400,
      "INVALID_INPUT",
      "requestId must be a UUID",
    ],
  ])("%s", async (_title, build, status, code, message) => {
    const body = await build();
    const response = await processCall(body);
    expect(response.status).toBe(status);
    expect(await json(response)).toEqual(failure(body.requestId, code, message, body.payload.action));
  });

  it("answers missing fields with MISSING_MANDATORY_PARAMETER", async () => {
    const body = await signedBody(merchant);
    const { signature: _dropped, ...payload } = body.payload;
    const response = await processCall({ ...body, payload });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(
      failure(
        body.requestId,
        "MISSING_MANDATORY_PARAMETER",
        "payload.signature is required",
        "upiGetSessionToken",
      ),
    );
  });

  it("treats a body without a JSON content type as missing", async () => {
    const { call } = await import("../support/worker");
    const response = await call("/hyperapi/process", {
      method: "POST",
      body: JSON.stringify(await signedBody(merchant)),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(failure("", "MISSING_MANDATORY_PARAMETER", "requestId is required"));
  });

  it("echoes no requestId longer than 128 characters", async () => {
    const response = await processCall({ ...(await signedBody(merchant)), requestId: "x".repeat(129) });
    expect(await json(response)).toMatchObject({ requestId: "", errorCode: "INVALID_INPUT" });
  });

  interface BadVariant {
    /** The text the merchant signs, when it is not the well-formed default. */
    signed?: (merchantId: string, customerId: string, now: number) => string;
    /** Changes the request payload after signing. */
    tamper?: (payload: Record<string, unknown>) => void;
  }
  const signedAt = (timestamp: unknown) => (merchantId: string, customerId: string) =>
    JSON.stringify({ merchant_id: merchantId, customer_id: customerId, timestamp });
  const onSignature = (change: (signature: string) => string) => (payload: Record<string, unknown>) => {
    payload.signature = change(payload.signature as string);
  };
  const NO_SIGNATURE = "Signature verification failed";

  it.each<[string, BadVariant, number, string, string]>([
    [
      "signaturePayload as an object",
      {
        tamper: (payload) =>
          Object.assign(payload, { signaturePayload: JSON.parse(payload.signaturePayload as string) }),
      },
      400,
      "INVALID_INPUT",
      "payload.signaturePayload must be a string holding a JSON object",
    ],
    [
      "non-JSON signed payload",
      { signed: (m, c) => `merchant_id=${m}&customer_id=${c}` },
      400,
      "INVALID_INPUT",
      "signaturePayload must be a string holding a JSON object",
    ],
    [
      "duplicate key in the signed payload",
      {
        signed: (m, c, now) =>
          `{"merchant_id":"${m}","customer_id":"${c}","customer_id":"other","timestamp":"${now}"}`,
      },
      400,
      "INVALID_INPUT",
      'signaturePayload has the key "customer_id" twice',
    ],
    [
      "timestamp in seconds",
      { signed: (m, c, now) => signedAt(String(Math.floor(now / 1000)))(m, c) },
      401,
      "REQUEST_EXPIRED",
      "signaturePayload timestamp is too old",
    ],
    [
      "stale timestamp",
      { signed: (m, c, now) => signedAt(String(now - 15 * 60_000 - 5_000))(m, c) },
      401,
      "REQUEST_EXPIRED",
      "signaturePayload timestamp is too old",
    ],
    [
      "future timestamp",
      { signed: (m, c, now) => signedAt(String(now + 65_000))(m, c) },
      401,
      "REQUEST_EXPIRED",
      "signaturePayload timestamp is in the future",
    ],
    [
      "timestamp with a fraction",
      { signed: (m, c, now) => signedAt(`${now}.5`)(m, c) },
      400,
      "INVALID_INPUT",
      "signaturePayload.timestamp must be the time in milliseconds, as a string of digits",
    ],
    [
      "re-serialised payload",
      {
        tamper: (payload) =>
          Object.assign(payload, {
            signaturePayload: JSON.stringify(JSON.parse(payload.signaturePayload as string), null, 1),
          }),
      },
      401,
      "UNAUTHORIZED",
      NO_SIGNATURE,
    ],
    [
      "truncated signature",
      { tamper: onSignature((s) => s.slice(0, 100)) },
      401,
      "UNAUTHORIZED",
      NO_SIGNATURE,
    ],
    [
      "hex signature",
      {
        tamper: onSignature((s) =>
          Array.from(atob(s), (ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
        ),
      },
      401,
      "UNAUTHORIZED",
      NO_SIGNATURE,
    ],
    [
      "one changed signature character",
      { tamper: onSignature((s) => `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`) },
      401,
      "UNAUTHORIZED",
      NO_SIGNATURE,
    ],
    [
      "non-base64 signature",
      { tamper: onSignature(() => "not*base64!") },
      400,
      "INVALID_INPUT",
      "payload.signature must be base64",
    ],
    [
      "unknown key id",
      { tamper: (payload) => Object.assign(payload, { merchantKeyId: "no-such-key" }) },
      401,
      "UNAUTHORIZED",
      NO_SIGNATURE,
    ],
  ])("%s", async (_title, variant, status, code, message) => {
    const id = customerId();
    const body = await signedBody(merchant, {
      customerId: id,
      signaturePayload: variant.signed?.(merchant.merchantId, id, Date.now()),
    });
    variant.tamper?.(body.payload as Record<string, unknown>);
    const response = await processCall(body);
    expect(response.status).toBe(status);
    expect(await json(response)).toEqual(failure(body.requestId, code, message, "upiGetSessionToken"));
    expect(await storedKeys(merchant, id)).toEqual([]);
  });
});
