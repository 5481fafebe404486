import { beforeAll, describe, expect, it } from "vitest";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { json, postJson } from "../support/worker";
import {
  AUTH_TOKEN,
  badBody,
  failure,
  LEGACY_AUTH_TOKEN,
  postRaw,
  requestToken,
  stateOf,
  tokenBody,
  UNIQUE_ID,
} from "./helpers";

let app: ProvisionedApp;
beforeAll(async () => {
  app = await provisionApp();
});

const LONG = "x".repeat(257);

/** Asserts the 400 body and that the transaction was never written. */
async function expectRejected(body: Record<string, unknown>, message: string) {
  const response = await requestToken(body);
  expect(response.status).toBe(400);
  expect(await json(response)).toEqual(badBody(message));
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  if (typeof body.transactionId === "string" && typeof body.appId === "string") {
    expect(await stateOf(body.appId, body.transactionId)).toBeUndefined();
  }
}

describe("POST /v2/auth/token validation (seed 002 error table)", () => {
  it.each(["appId", "appKey", "transactionId", "workflowId"])(
    'answers "%s" is required when it is absent',
    async (field) => {
      const body = tokenBody(app);
      delete body[field];
      await expectRejected(body, `"${field}" is required`);
    },
  );

  it("reports the first failing field in the documented order", async () => {
    await expectRejected({ workflowId: 5, appKey: null }, '"appId" is required');
    await expectRejected(tokenBody(app, { appKey: 1, expiry: 0, email: 3 }), '"appKey" must be a string');
    await expectRejected(
      tokenBody(app, { authenticateOnResume: "maybe", expiry: 0 }),
      '"authenticateOnResume" must be one of [yes, no]',
    );
    await expectRejected(
      tokenBody(app, { expiry: 0, mobileNumber: 1 }),
      '"expiry" must be greater than or equal to 1',
    );
    await expectRejected(tokenBody(app, { mobileNumber: 1, email: 2 }), '"mobileNumber" must be a string');
  });

  it.each([
    ["appId", 42],
    ["appId", null],
    ["appKey", true],
    ["transactionId", { id: 1 }],
    ["workflowId", ["wf"]],
    ["mobileNumber", 9876543210],
    ["mobileNumber", null],
    ["email", false],
    ["email", ["a@x.com"]],
  ])('answers "%s" must be a string for %j', async (field, value) => {
    await expectRejected(tokenBody(app, { [field]: value }), `"${field}" must be a string`);
  });

  it.each(["appId", "appKey", "transactionId", "workflowId", "mobileNumber", "email"])(
    'answers "%s" is not allowed to be empty',
    async (field) => {
      await expectRejected(tokenBody(app, { [field]: "" }), `"${field}" is not allowed to be empty`);
    },
  );

  it.each(["appId", "appKey", "transactionId", "workflowId", "mobileNumber", "email"])(
    "refuses a 257-character %s",
    async (field) => {
      await expectRejected(
        tokenBody(app, { [field]: LONG }),
        `"${field}" length must be less than or equal to 256 characters long`,
      );
    },
  );

  it.each(["YES", "", "true", true, null, 1])("refuses authenticateOnResume %j", async (value) => {
    await expectRejected(
      tokenBody(app, { authenticateOnResume: value }),
      '"authenticateOnResume" must be one of [yes, no]',
    );
  });

  it.each([
    [0, '"expiry" must be greater than or equal to 1'],
    [-5, '"expiry" must be greater than or equal to 1'],
    [86401, '"expiry" must be less than or equal to 86400'],
    [1e21, '"expiry" must be less than or equal to 86400'],
    [1.5, '"expiry" must be an integer'],
    ["100", '"expiry" must be a number'],
    [null, '"expiry" must be a number'],
    [true, '"expiry" must be a number'],
  ])("refuses expiry %j", async (expiry, message) => {
    await expectRejected(tokenBody(app, { expiry }), message);
  });

  it.each([1, 86400])("accepts the expiry edge %j (reject twins above)", async (expiry) => {
    const response = await requestToken(tokenBody(app, { expiry }));
    expect(response.status).toBe(200);
  });

  it.each([
    ["email", "not-an-email", '"email" must be a valid email'],
    ["email", "a@b", '"email" must be a valid email'],
    ["mobileNumber", "12345", '"mobileNumber" must be a valid mobile number'],
    ["mobileNumber", "98765-4321x", '"mobileNumber" must be a valid mobile number'],
  ])("refuses an invalid %s %j", async (field, value, message) => {
    await expectRejected(tokenBody(app, { [field]: value }), message);
  });

  it("refuses both identifiers", async () => {
    await expectRejected(
      tokenBody(app, { email: "a@x.com", mobileNumber: "9876543210" }),
      "Only one of mobileNumber or email should be sent",
    );
  });

  it.each([[[]], ["text"], [42], [null], [true], [[{ appId: "x" }]]])(
    "refuses the non-object JSON body %j",
    async (body) => {
      const response = await postJson(AUTH_TOKEN, body);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual(badBody('"value" must be of type object'));
    },
  );

  it.each([AUTH_TOKEN, LEGACY_AUTH_TOKEN, UNIQUE_ID])("refuses malformed JSON on %s", async (path) => {
    const response = await postRaw(path, '{"appId": "a",', "application/json");
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(badBody("Request body is not valid JSON"));
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], [null]])(
    "treats a body sent as %s as missing",
    async (contentType) => {
      const body = tokenBody(app);
      const response = await postRaw(AUTH_TOKEN, JSON.stringify(body), contentType);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual(badBody('"appId" is required'));
      expect(await stateOf(app.appId, body.transactionId as string)).toBeUndefined();
    },
  );

  it("reads JSON under any case and parameters of the content type (the accept twin)", async () => {
    const response = await postRaw(
      AUTH_TOKEN,
      JSON.stringify(tokenBody(app)),
      "Application/JSON; charset=utf-8",
    );
    expect(response.status).toBe(200);
  });

  it("ignores __proto__ keys rather than reading fields through them", async () => {
    const raw = `{"__proto__":{"appId":"${app.appId}","appKey":"${app.appKey}"},"transactionId":"t","workflowId":"w"}`;
    const response = await postRaw(AUTH_TOKEN, raw, "application/json");
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(badBody('"appId" is required'));
    expect(({} as Record<string, unknown>).appId).toBeUndefined();
  });

  it("ignores unknown fields and does not store them", async () => {
    const body = tokenBody(app, { __proto__extra: 1, constructor: "x", note: "hello" });
    const response = await requestToken(body);
    expect(response.status).toBe(200);
    const state = await stateOf(app.appId, body.transactionId as string);
    expect(Object.keys(state!).sort()).toEqual(
      ["createdAt", "expiresAt", "journeyId", "revocationEpoch", "updatedAt", "workflowId"].sort(),
    );
  });

  it("refuses a 65 KiB body with 413 in the CPR envelope", async () => {
    const body = tokenBody(app, { pad: "x".repeat(65 * 1024) });
    const response = await requestToken(body);
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual(failure(413, "invalid_request_body", "Request body exceeds 64 KiB"));
    expect(await stateOf(app.appId, body.transactionId as string)).toBeUndefined();
  });
});
