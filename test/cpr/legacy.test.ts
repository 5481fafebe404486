import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueIdFor } from "../../src/cpr/unique-id";
import { capturedLog } from "../support/log";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, json, postJson, uid } from "../support/worker";
import {
  badBody,
  CONFLICT,
  grantedToken,
  LEGACY_AUTH_TOKEN,
  postRaw,
  requestToken,
  stateOf,
  tokenBody,
  UNAUTHORIZED,
  UNIQUE_ID,
  verifiedClaims,
} from "./helpers";

let app: ProvisionedApp;
let other: ProvisionedApp;
beforeAll(async () => {
  app = await provisionApp();
  other = await provisionApp();
});

const SUCCESSOR = '</v2/auth/token>; rel="successor-version"';

function expectDeprecationHeaders(response: Response, sunset: boolean) {
  expect(response.headers.get("Deprecation")).toMatch(/^@\d+$/);
  expect(response.headers.get("Link")).toBe(SUCCESSOR);
  if (sunset) expect(new Date(response.headers.get("Sunset")!).getTime()).toBeGreaterThan(0);
  else expect(response.headers.get("Sunset")).toBeNull();
}

describe("POST /v2/generate-auth-token (legacy)", () => {
  it("answers with `token`, the same metadata and the deprecation headers", async () => {
    const body = tokenBody(app, { userAuthRequired: "no", authObject: { email: "Legacy@Example.com" } });
    const response = await postJson(LEGACY_AUTH_TOKEN, body);
    expect(response.status).toBe(200);
    expectDeprecationHeaders(response, false);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const answer = await json(response);
    expect(answer).toEqual({
      statusCode: 200,
      status: "success",
      result: {
        token: expect.stringMatching(/^Bearer /),
        metadata: {
          appId: app.appId,
          transactionId: body.transactionId,
          workflowId: app.workflowId,
          journeyId: expect.any(String),
        },
      },
    });
    const claims = await verifiedClaims(answer.result.token, app.appId);
    expect(claims.uniqueId).toBe(
      await uniqueIdFor(env.UNIQUE_ID_SECRET, app.appId, { kind: "email", canonical: "legacy@example.com" }),
    );
    expect(claims.authenticateOnResume).toBe("no");
  });

  it.each([
    ["yes", "yes", false],
    [true, "yes", false],
    ["no", "no", true],
    [false, "no", true],
  ])("maps userAuthRequired %j to authenticateOnResume %s", async (userAuthRequired, expected, embedded) => {
    const body = tokenBody(app, { userAuthRequired, authObject: { mobileNumber: "9876543210" } });
    const answer = await json(await postJson(LEGACY_AUTH_TOKEN, body));
    const claims = await verifiedClaims(answer.result.token, app.appId);
    expect(claims.authenticateOnResume).toBe(expected);
    expect(claims.uniqueId !== undefined).toBe(embedded);
    expect((await stateOf(app.appId, body.transactionId as string))!.uniqueId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("shares the transaction with /v2/auth/token, conflicts included", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const body = tokenBody(app, {
      transactionId: first.transactionId,
      authObject: { email: "other@example.com" },
    });
    const response = await postJson(LEGACY_AUTH_TOKEN, body);
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual(CONFLICT);
    expectDeprecationHeaders(response, false);
  });

  it.each([
    [{ userAuthRequired: "maybe" }, '"userAuthRequired" must be one of [yes, no, true, false]'],
    [{ userAuthRequired: null }, '"userAuthRequired" must be one of [yes, no, true, false]'],
    [{ authObject: "a@x.com" }, '"authObject" must be of type object'],
    [{ authObject: { email: 5 } }, '"authObject.email" must be a string'],
    [{ authObject: { mobileNumber: "12" } }, '"authObject.mobileNumber" must be a valid mobile number'],
    [
      { authObject: { email: "a@x.com", mobileNumber: "9876543210" } },
      "Only one of mobileNumber or email should be sent",
    ],
    [{ expiry: "100" }, '"expiry" must be a number'],
    [{ appKey: "" }, '"appKey" is not allowed to be empty'],
  ])("refuses %j with the seed's message and the deprecation headers", async (fields, message) => {
    const body = tokenBody(app, fields);
    const response = await postJson(LEGACY_AUTH_TOKEN, body);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(badBody(message));
    expectDeprecationHeaders(response, false);
    expect(await stateOf(app.appId, body.transactionId as string)).toBeUndefined();
  });

  it("applies the same credential check", async () => {
    const response = await postJson(LEGACY_AUTH_TOKEN, tokenBody(app, { appKey: other.appKey }));
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
  });
});

function uniqueIdRequest(body: unknown, headers: Record<string, string>, ip?: string | null) {
  return postJson(UNIQUE_ID, body, { headers, ip });
}

describe("POST /v2/generate-unique-id (deprecated)", () => {
  const keyHeaders = () => ({ appid: app.appId, appkey: app.appKey });

  it("creates the state and answers the uniqueId, with Deprecation, Sunset and Link", async () => {
    const transactionId = uid("txn");
    const response = await uniqueIdRequest(
      { transactionId, workflowId: app.workflowId, mobileNumber: "+91 98765 43210" },
      keyHeaders(),
    );
    expect(response.status).toBe(200);
    expectDeprecationHeaders(response, true);
    const uniqueId = await uniqueIdFor(env.UNIQUE_ID_SECRET, app.appId, {
      kind: "mobile",
      canonical: "919876543210",
    });
    expect(await json(response)).toEqual({
      statusCode: 200,
      status: "success",
      result: { uniqueId, transactionId, workflowId: app.workflowId },
    });
    expect(await stateOf(app.appId, transactionId)).toMatchObject({
      uniqueId,
      workflowId: app.workflowId,
      revocationEpoch: 0,
    });
  });

  it("accepts the credential headers in any case", async () => {
    const response = await uniqueIdRequest(
      { transactionId: uid("txn"), workflowId: app.workflowId, email: "x@example.com" },
      { AppId: app.appId, APPKEY: app.appKey },
    );
    expect(response.status).toBe(200);
  });

  it("accepts a live CPR token of the app as Bearer for its own transaction, and an appid header naming the same app", async () => {
    const { answer, transactionId } = await grantedToken(app);
    const body = { transactionId, workflowId: app.workflowId, email: "bearer@example.com" };
    expect((await uniqueIdRequest(body, { Authorization: answer.result.authToken })).status).toBe(200);
    const withHeader = await uniqueIdRequest(body, {
      Authorization: answer.result.authToken,
      appid: app.appId,
    });
    expect(withHeader.status).toBe(200);
  });

  it("applies the uniqueId rules of the token route, 409 included", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const body = {
      transactionId: first.transactionId,
      workflowId: app.workflowId,
      email: "intruder@example.com",
    };
    const response = await uniqueIdRequest(body, keyHeaders());
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual(CONFLICT);
    expectDeprecationHeaders(response, true);
  });

  /** A denied caller; `transactionId` (default: a fresh one) is the transaction the body names. */
  type Denied = { headers: Record<string, string>; ip?: string | null; transactionId?: string };
  const denials: Array<[string, () => Promise<Denied>]> = [
    ["no credentials", async () => ({ headers: {} })],
    ["an appid header without appkey", async () => ({ headers: { appid: app.appId } })],
    ["a wrong appkey", async () => ({ headers: { appid: app.appId, appkey: other.appKey } })],
    ["an unknown appid", async () => ({ headers: { appid: uid("ghost"), appkey: app.appKey } })],
    ["the right key from a foreign IP", async () => ({ headers: keyHeaders(), ip: "198.51.100.7" })],
    ["a bearer that is not a token", async () => ({ headers: { Authorization: `Bearer ${app.appKey}` } })],
    [
      "a bearer token with an appid header of another app",
      async () => {
        const { answer, transactionId } = await grantedToken(app);
        return { headers: { Authorization: answer.result.authToken, appid: other.appId }, transactionId };
      },
    ],
    [
      "a bearer token of its own transaction, revoked",
      async () => {
        const { answer, transactionId } = await grantedToken(app);
        expect((await admin("POST", `/apps/${app.appId}/transactions/${transactionId}/revoke`)).status).toBe(
          200,
        );
        return { headers: { Authorization: answer.result.authToken }, transactionId };
      },
    ],
    [
      "a live bearer token for another transaction of its app (docs/cpr.md#deprecated-unique-id-route: its own only)",
      async () => ({ headers: { Authorization: (await grantedToken(app)).answer.result.authToken } }),
    ],
    [
      "a live bearer token of its own transaction from a foreign IP",
      async () => {
        const { answer, transactionId } = await grantedToken(app);
        return { headers: { Authorization: answer.result.authToken }, ip: "198.51.100.7", transactionId };
      },
    ],
  ];

  it.each(denials)("answers %s with the one 401 and writes nothing", async (_what, make) => {
    const { headers, ip, transactionId = uid("txn") } = await make();
    const before = await stateOf(app.appId, transactionId);
    const response = await uniqueIdRequest(
      { transactionId, workflowId: app.workflowId, email: "who@example.com" },
      headers,
      ip,
    );
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
    expectDeprecationHeaders(response, true);
    expect(await stateOf(app.appId, transactionId)).toEqual(before);
  });

  it("keeps a bearer of one transaction from claiming another's uniqueId: the real user still gets theirs (issue 13)", async () => {
    const attacker = await grantedToken(app);
    const victim = uid("txn");
    const attempt = await uniqueIdRequest(
      { transactionId: victim, workflowId: app.workflowId, email: "attacker@example.com" },
      { Authorization: attacker.answer.result.authToken },
    );
    expect(attempt.status).toBe(401);
    expect(await json(attempt)).toEqual(UNAUTHORIZED);
    expect(await stateOf(app.appId, victim)).toBeUndefined();
    const real = await requestToken(tokenBody(app, { transactionId: victim, email: "victim@example.com" }));
    expect(real.status).toBe(200);
  });

  it("logs the cause of a bearer refused for another transaction", async () => {
    const { answer } = await grantedToken(app);
    const lines = await capturedLog(() =>
      uniqueIdRequest(
        { transactionId: uid("txn"), workflowId: app.workflowId, email: "who@example.com" },
        { Authorization: answer.result.authToken },
      ),
    );
    expect(lines.some((line) => line.reason === "token_transaction_mismatch")).toBe(true);
  });

  it.each([
    [{ workflowId: "wf" }, '"transactionId" is required'],
    [{ transactionId: "t" }, '"workflowId" is required'],
    [{ transactionId: "t", workflowId: "wf" }, "One of mobileNumber or email is required"],
    [{ transactionId: "t", workflowId: "wf", email: 1 }, '"email" must be a string'],
    [
      { transactionId: "t", workflowId: "wf", email: "a@x.com", mobileNumber: "9876543210" },
      "Only one of mobileNumber or email should be sent",
    ],
    [[], '"value" must be of type object'],
  ])("refuses %j with the seed's message", async (body, message) => {
    const response = await uniqueIdRequest(body, keyHeaders());
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(badBody(message));
    expectDeprecationHeaders(response, true);
  });

  it("treats a non-JSON body as missing", async () => {
    const response = await postRaw(UNIQUE_ID, "transactionId=t", "application/x-www-form-urlencoded", {
      headers: keyHeaders(),
    });
    expect(await json(response)).toEqual(badBody('"transactionId" is required'));
  });

  it("answers an unregistered workflow with 404", async () => {
    const response = await uniqueIdRequest(
      { transactionId: uid("txn"), workflowId: other.workflowId, email: "a@x.com" },
      keyHeaders(),
    );
    expect(response.status).toBe(404);
    expect((await json(response)).errorCode).toBe("workflow_not_found");
  });
});
