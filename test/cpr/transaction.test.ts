import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { cprTokens } from "../../src/cpr/introspection";
import { MAX_EXPIRY_SECONDS } from "../../src/cpr/limits";
import { STATE_RETENTION_MS, type TransactionState, transactionStub } from "../../src/cpr/transaction";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, json, uid } from "../support/worker";
import { CONFLICT, grantedToken, requestToken, stateOf, tokenBody } from "./helpers";

const DAY_MS = 24 * 3600 * 1000;
let app: ProvisionedApp;
let secondWorkflow: string;
beforeAll(async () => {
  secondWorkflow = uid("wf2");
  app = await provisionApp({ workflows: [uid("wf"), secondWorkflow], stateTtlSeconds: 3600 });
});

async function overwriteState(transactionId: string, change: Partial<TransactionState>) {
  await runInDurableObject(
    transactionStub(env, app.appId, app.incarnation, transactionId),
    (_instance, state) => {
      const current = state.storage.kv.get<TransactionState>("state")!;
      state.storage.kv.put("state", { ...current, ...change });
    },
  );
}

describe("transaction state (docs/cpr.md#transaction-state)", () => {
  it("creates the state on the first request, with the app's TTL and epoch 0", async () => {
    const before = Date.now();
    const { answer, transactionId } = await grantedToken(app);
    const state = await stateOf(app.appId, transactionId);
    expect(state).toEqual({
      journeyId: answer.result.metadata.journeyId,
      workflowId: app.workflowId,
      createdAt: expect.any(Number),
      updatedAt: state!.createdAt,
      expiresAt: state!.createdAt + 3600 * 1000,
      revocationEpoch: 0,
    });
    expect(state!.createdAt).toBeGreaterThanOrEqual(before);
    expect(answer.result.metadata.journeyId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("continues a live state: same journeyId and uniqueId, renewed expiry", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const again = await grantedToken(app, { transactionId: first.transactionId });
    expect(again.answer.result.metadata.journeyId).toBe(first.answer.result.metadata.journeyId);
    const state = await stateOf(app.appId, first.transactionId);
    expect(state!.uniqueId).toBe(first.claims.uniqueId);
    expect(state!.expiresAt).toBe(state!.updatedAt + 3600 * 1000);
  });

  it("continues an expired state: journeyId and uniqueId kept, expiry renewed", async () => {
    const first = await grantedToken(app, { mobileNumber: "9876543210" });
    const longAgo = Date.now() - 2 * DAY_MS;
    await overwriteState(first.transactionId, {
      createdAt: longAgo,
      updatedAt: longAgo,
      expiresAt: longAgo + 1000,
    });
    const again = await grantedToken(app, {
      transactionId: first.transactionId,
      mobileNumber: "+91 98765 43210",
    });
    expect(again.answer.result.metadata.journeyId).toBe(first.answer.result.metadata.journeyId);
    expect(again.claims.uniqueId).toBe(first.claims.uniqueId);
    const state = await stateOf(app.appId, first.transactionId);
    expect(state!.createdAt).toBe(longAgo);
    expect(state!.expiresAt).toBeGreaterThan(Date.now());
  });

  it("restarts the journey for another workflowId, keeping the uniqueId", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const restarted = await grantedToken(app, {
      transactionId: first.transactionId,
      workflowId: secondWorkflow,
    });
    expect(restarted.answer.result.metadata).toEqual({
      appId: app.appId,
      transactionId: first.transactionId,
      workflowId: secondWorkflow,
      journeyId: expect.any(String),
    });
    expect(restarted.answer.result.metadata.journeyId).not.toBe(first.answer.result.metadata.journeyId);
    const state = await stateOf(app.appId, first.transactionId);
    expect(state).toMatchObject({ workflowId: secondWorkflow, uniqueId: first.claims.uniqueId });
  });

  it("keeps one app's transaction apart from another app's with the same transactionId", async () => {
    const otherApp = await provisionApp();
    const shared = uid("txn");
    const mine = await grantedToken(app, { transactionId: shared, email: "a@example.com" });
    const theirs = await grantedToken(otherApp, { transactionId: shared, email: "b@example.com" });
    expect(theirs.answer.result.metadata.journeyId).not.toBe(mine.answer.result.metadata.journeyId);
    expect((await stateOf(app.appId, shared))!.uniqueId).toBe(mine.claims.uniqueId);
  });

  it("purges the state with an alarm a retention period after expiry, not before", async () => {
    const { transactionId } = await grantedToken(app);
    const stub = transactionStub(env, app.appId, app.incarnation, transactionId);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stateOf(app.appId, transactionId)).toBeDefined();

    const expiredBeyondRetention = Date.now() - STATE_RETENTION_MS - 1000;
    await overwriteState(transactionId, { expiresAt: expiredBeyondRetention });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stateOf(app.appId, transactionId)).toBeUndefined();
  });

  it("keeps states longer than any token lives, so a live token always finds its epoch", () => {
    expect(STATE_RETENTION_MS).toBeGreaterThan(MAX_EXPIRY_SECONDS * 1000);
  });
});

describe("uniqueId conflicts (docs/cpr.md#unique-id)", () => {
  it("answers 409 for another person's identifier and changes nothing", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const before = await stateOf(app.appId, first.transactionId);
    const response = await requestToken(
      tokenBody(app, {
        transactionId: first.transactionId,
        workflowId: secondWorkflow,
        email: "someone-else@example.com",
      }),
    );
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual(CONFLICT);
    expect(await stateOf(app.appId, first.transactionId)).toEqual(before);
  });

  it.each([
    ["the same email in another case", "Jane.Doe@Example.com", "jane.doe@example.com"],
    ["the same mobile in another format", "09876543210", "919876543210"],
  ])("accepts %s (the conflict's twin)", async (_what, first, second) => {
    const field = first.includes("@") ? "email" : "mobileNumber";
    const one = await grantedToken(app, { [field]: first });
    const two = await grantedToken(app, { transactionId: one.transactionId, [field]: second });
    expect(two.claims.uniqueId).toBe(one.claims.uniqueId);
  });

  it("lets exactly one of 50 concurrent identifiers win", async () => {
    const transactionId = uid("txn");
    const emails = Array.from({ length: 50 }, (_, i) => `racer${i}-${uid("p")}@example.com`);
    const responses = await Promise.all(
      emails.map((email) => requestToken(tokenBody(app, { transactionId, email }))),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const winner = responses[statuses.indexOf(200)]!;
    const winnerBody = await json(winner);
    const state = await stateOf(app.appId, transactionId);
    expect(state!.journeyId).toBe(winnerBody.result.metadata.journeyId);
    for (const loser of responses.filter((response) => response.status === 409)) {
      expect(await json(loser)).toEqual(CONFLICT);
    }
  });
});

describe("revocation (docs/tokens.md#revocation)", () => {
  it("makes earlier tokens non-live through the admin route; later tokens carry the new epoch", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    const token = first.answer.result.authToken.slice("Bearer ".length);
    expect(first.claims.rev).toBe(0);
    expect(await cprTokens.introspect(env, token, Date.now())).toMatchObject({
      owner: { kind: "app", appId: app.appId },
      claims: { transactionId: first.transactionId, uniqueId: first.claims.uniqueId, token_type: "Bearer" },
    });

    const revoked = await admin("POST", `/apps/${app.appId}/transactions/${first.transactionId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(await json(revoked)).toEqual({
      appId: app.appId,
      transactionId: first.transactionId,
      revocationEpoch: 1,
    });
    expect(await cprTokens.introspect(env, token, Date.now())).toBeUndefined();
    expect((await stateOf(app.appId, first.transactionId))!.revocationEpoch).toBe(1);

    const later = await grantedToken(app, { transactionId: first.transactionId });
    expect(later.claims.rev).toBe(1);
    const laterToken = later.answer.result.authToken.slice("Bearer ".length);
    expect(await cprTokens.introspect(env, laterToken, Date.now())).toBeDefined();
  });

  it("revokes through the token family only once per epoch, so a repeat never ends newer tokens", async () => {
    const first = await grantedToken(app);
    const token = first.answer.result.authToken.slice("Bearer ".length);
    await cprTokens.revoke(env, token, Date.now());
    const later = await grantedToken(app, { transactionId: first.transactionId });
    await cprTokens.revoke(env, token, Date.now());
    expect((await stateOf(app.appId, first.transactionId))!.revocationEpoch).toBe(1);
    const laterToken = later.answer.result.authToken.slice("Bearer ".length);
    expect(await cprTokens.introspect(env, laterToken, Date.now())).toBeDefined();
    expect(await cprTokens.introspect(env, token, Date.now())).toBeUndefined();
  });

  it("introspects a token as not live once it has expired", async () => {
    const { answer, claims } = await grantedToken(app, { expiry: 60 });
    const token = answer.result.authToken.slice("Bearer ".length);
    // Measured from the token's own exp (whole seconds), not from the clock, so the test cannot race it.
    const expiresAt = (claims.exp as number) * 1000;
    expect(claims.exp).toBe((claims.iat as number) + 60);
    expect(await cprTokens.introspect(env, token, expiresAt - 1000)).toBeDefined();
    expect(await cprTokens.introspect(env, token, expiresAt + 1000)).toBeUndefined();
  });

  it("recognises CPR tokens by their typ only", async () => {
    const { answer } = await grantedToken(app);
    expect(cprTokens.recognises(answer.result.authToken.slice("Bearer ".length))).toBe(true);
    expect(cprTokens.recognises("0123456789abcdef_0123_4567_89ab_cdef01234567")).toBe(false);
    expect(cprTokens.recognises("e30.e30.sig")).toBe(false);
  });

  it.each([
    ["an unknown app", () => `/apps/${uid("ghost")}/transactions/t/revoke`, "No app"],
    [
      "a transaction with no state",
      () => `/apps/${app.appId}/transactions/${uid("txn")}/revoke`,
      "has no such transaction",
    ],
  ])("answers 404 for %s", async (_what, path, message) => {
    const response = await admin("POST", path());
    expect(response.status).toBe(404);
    const body = await json(response);
    expect(body.error.code).toBe("not_found");
    expect(body.error.message).toContain(message);
  });
});
