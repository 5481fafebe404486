import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/shared/crypto";
import { customerIdOf } from "../../src/upi/customer-id";
import { json, uid } from "../support/worker";
import {
  bindDevice,
  type CustomerApiInit,
  clientTokenBody,
  customerApiCall,
  customerStub,
  failure,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  storedKeys,
} from "./support";

let merchant: ProvisionedMerchant;
beforeAll(async () => {
  merchant = await provisionMerchant({ prefix: "JUS", clientAuthTokenMaxUses: 3 });
});

/** The Customer API as this file's merchant, or with another key or merchant id. */
function customerApi(path: string, init: CustomerApiInit & { apiKey?: string; merchantId?: string } = {}) {
  const { apiKey = merchant.apiKey, merchantId = merchant.merchantId, ...rest } = init;
  return customerApiCall({ apiKey, merchantId }, path, rest);
}

async function createCustomer(customerId = uid("c")): Promise<string> {
  const response = await customerApi("/customers", { form: { object_reference_id: customerId } });
  expect(response.status).toBe(200);
  return customerId;
}

async function clientAuthToken(customerId: string): Promise<{ token: string; expiry: string }> {
  const response = await customerApi(`/customers/${customerId}?options.get_client_auth_token=true`);
  expect(response.status).toBe(200);
  const body = await json(response);
  return { token: body.juspay.client_auth_token, expiry: body.juspay.client_auth_token_expiry };
}

const tokenBody = (customerId: string, clientAuthToken: string, extra: Record<string, unknown> = {}) =>
  clientTokenBody(merchant.merchantId, customerId, clientAuthToken, extra);

const customerObjectFields = (customerId: string, fields: Record<string, unknown> = {}) => ({
  id: customerIdOf(customerId),
  object: "customer",
  object_reference_id: customerId,
  mobile_number: null,
  email_address: null,
  first_name: null,
  last_name: null,
  mobile_country_code: "91",
  date_created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  last_updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  ...fields,
});

describe("Customer API (docs/upi.md#customer-api, Juspay style)", () => {
  it("creates a customer from a form body and answers the customer object", async () => {
    const customerId = uid("c");
    const response = await customerApi("/customers", {
      form: {
        object_reference_id: customerId,
        mobile_number: "9876543210",
        email_address: "jane@example.com",
        first_name: "Jane",
        last_name: "Doe",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await json(response)).toEqual(
      customerObjectFields(customerId, {
        mobile_number: "9876543210",
        email_address: "jane@example.com",
        first_name: "Jane",
        last_name: "Doe",
      }),
    );
  });

  it("creates from JSON with a client auth token on request, and refuses the same id again with 409", async () => {
    const customerId = uid("c");
    const before = Date.now();
    const response = await customerApi("/customers", {
      json: { object_reference_id: customerId, options: { get_client_auth_token: true } },
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toEqual({
      ...customerObjectFields(customerId),
      juspay: {
        client_auth_token: expect.stringMatching(/^tkn_[A-Za-z0-9]{32}$/),
        client_auth_token_expiry: expect.stringMatching(/Z$/),
      },
    });
    const expiry = Date.parse(body.juspay.client_auth_token_expiry);
    expect(expiry).toBeGreaterThan(before + 14 * 60_000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
    const again = await customerApi("/customers", { form: { object_reference_id: customerId } });
    expect(again.status).toBe(409);
    expect(await json(again)).toEqual({
      status: "invalid_request_error",
      error_code: "unique",
      error_message: "Customer with given object reference id already exist for your account.",
      error_info: {
        code: "ALREADY_EXISTS",
        category: "USER_ERROR",
        user_message: "Customer with given object reference id already exist for your account.",
        developer_message: "Customer with given object reference id already exist for your account.",
      },
    });
  });

  it("stores client auth tokens only as SHA-256", async () => {
    const customerId = await createCustomer();
    const { token } = await clientAuthToken(customerId);
    const keys = await runInDurableObject(customerStub(merchant, customerId), (_i, state) =>
      JSON.stringify([...state.storage.kv.list()]),
    );
    expect(keys).not.toContain(token);
    expect(keys).toContain(await sha256Hex(token));
  });

  it.each([
    ["a wrong API key", { apiKey: "wrong-key-0123456789" }],
    ["another merchant's id", { merchantId: uid("m") }],
  ])("refuses %s with 401 in Juspay's envelope", async (_title, credentials) => {
    const response = await customerApi(`/customers/${uid("c")}`, credentials);
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({
      status: "error",
      error_code: "access_denied",
      error_info: { code: "UNAUTHENTICATED" },
    });
  });

  it.each([
    [{}, 400, "MISSING_MANDATORY_PARAMETER", "Mandatory parameter object_reference_id is missing"],
    [
      { object_reference_id: "has space" },
      400,
      "INVALID_INPUT",
      "Wrong value in object_reference_id: must be 1-128 characters of A-Z a-z 0-9 . _ : @ -",
    ],
    [
      { object_reference_id: "ok-id", email_address: "nope" },
      400,
      "INVALID_INPUT",
      "Wrong value in email_address: must be a valid email address",
    ],
    [
      { object_reference_id: "ok-id", "options.get_client_auth_token": "yes" },
      400,
      "INVALID_INPUT",
      "Wrong value in options.get_client_auth_token: must be true or false",
    ],
  ])("refuses invalid create input %j", async (form, status, code, message) => {
    const response = await customerApi("/customers", { form });
    expect(response.status).toBe(status);
    expect(await json(response)).toMatchObject({ error_message: message, error_info: { code } });
  });

  it("answers 404 for an unknown customer, with or without a token request", async () => {
    for (const path of [
      `/customers/${uid("c")}`,
      `/customers/${uid("c")}?options.get_client_auth_token=true`,
    ]) {
      const response = await customerApi(path);
      expect(response.status).toBe(404);
      expect(await json(response)).toMatchObject({
        error_code: "object_not_found",
        error_info: { code: "RESOURCE_NOT_FOUND" },
      });
    }
  });
});

describe("upiGetSessionToken by client auth token (docs/upi.md#client-auth-tokens)", () => {
  it("answers the customer's state with a session token", async () => {
    const customerId = await createCustomer();
    await bindDevice(merchant.merchantId, customerId);
    const { token } = await clientAuthToken(customerId);
    const body = tokenBody(customerId, token, { authExpiry: "2030-07-19T07:20:53.318Z" });
    const response = await processCall(body);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      requestId: body.requestId,
      error: false,
      payload: {
        action: "upiGetSessionToken",
        status: "BOUND",
        prefix: "JUS",
        customerMobileNumber: "91XXXXXX3210",
        sessionToken: expect.any(String),
      },
    });
  });

  it("allows the merchant's number of uses, then answers SESSION_EXPIRED", async () => {
    const customerId = await createCustomer();
    const { token } = await clientAuthToken(customerId);
    for (let use = 0; use < 3; use++)
      expect((await processCall(tokenBody(customerId, token))).status).toBe(200);
    const body = tokenBody(customerId, token, { action: "updateAuth" });
    body.payload.action = "updateAuth";
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(
        body.requestId,
        "SESSION_EXPIRED",
        "clientAuthToken has reached its maximum number of uses",
        "updateAuth",
      ),
    );
  });

  it("answers SESSION_EXPIRED for an expired token without using it", async () => {
    const customerId = await createCustomer();
    const { token } = await clientAuthToken(customerId);
    const key = `client-token:${await sha256Hex(token)}`;
    await runInDurableObject(customerStub(merchant, customerId), (_i, state) => {
      const record = state.storage.kv.get<{ expiresAt: number }>(key)!;
      state.storage.kv.put(key, { ...record, expiresAt: Date.now() - 1 });
    });
    const body = tokenBody(customerId, token);
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(body.requestId, "SESSION_EXPIRED", "clientAuthToken has expired", "upiGetSessionToken"),
    );
    const record = await runInDurableObject(customerStub(merchant, customerId), (_i, state) =>
      state.storage.kv.get<{ usesLeft: number }>(key),
    );
    expect(record?.usesLeft).toBe(3);
  });

  it.each([
    ["another customer's token", async () => (await clientAuthToken(await createCustomer())).token],
    ["an unknown token", async () => `tkn_${"a".repeat(32)}`],
    ["a malformed token", async () => "not-a-token"],
  ])("answers UNAUTHORIZED for %s, leaving the customer without tokens", async (_title, makeToken) => {
    const customerId = await createCustomer();
    const body = tokenBody(customerId, await makeToken());
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(
        body.requestId,
        "UNAUTHORIZED",
        "clientAuthToken is not valid for this merchant and customer",
        "upiGetSessionToken",
      ),
    );
    expect(await storedKeys(merchant, customerId)).toEqual(["profile"]);
  });

  it("answers UNAUTHORIZED for this customer's token presented under another merchant", async () => {
    const customerId = await createCustomer();
    const { token } = await clientAuthToken(customerId);
    const other = await provisionMerchant();
    const body = tokenBody(customerId, token);
    body.payload.merchantId = other.merchantId;
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({ errorCode: "UNAUTHORIZED" });
  });

  it.each([
    [
      "signature fields and clientAuthToken together",
      { signature: "x" },
      "INVALID_INPUT",
      "payload must carry either the signature fields or clientAuthToken, not both",
    ],
    [
      "an authExpiry that is no date",
      { authExpiry: "tomorrow" },
      "INVALID_INPUT",
      "payload.authExpiry must be an ISO-8601 date",
    ],
  ])("refuses %s", async (_title, extra, code, message) => {
    const customerId = await createCustomer();
    const body = tokenBody(customerId, `tkn_${"b".repeat(32)}`, extra);
    const response = await processCall(body);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(failure(body.requestId, code, message, "upiGetSessionToken"));
  });
});
