import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_WINDOW_MS } from "../../src/cpr/request-signature";
import { type CprTransaction, transactionStub } from "../../src/cpr/transaction";
import { type RequestSigner, registerRequestSigner } from "../hardening/fixtures";
import { capturedLog } from "../support/log";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { call, json, uid } from "../support/worker";
import { AUTH_TOKEN, LEGACY_AUTH_TOKEN, stateOf, tokenBody, UNAUTHORIZED, UNIQUE_ID } from "./helpers";

/**
 * docs/cpr.md#single-use single use (issue 13 #5): a signed CPR request is accepted once. The transaction's
 * Durable Object, which every CPR route touches, remembers each accepted signature until its
 * 5-minute window closes; a second use on any CPR route is 401 (`signature_replayed` in the log).
 */

let app: ProvisionedApp;
let signer: RequestSigner;
beforeAll(async () => {
  app = await provisionApp();
  signer = await registerRequestSigner(app.appId);
});

/** Sends exactly these bytes with exactly these signature headers. */
function send(path: string, raw: string, signed: Record<string, string>, extra: Record<string, string> = {}) {
  return call(path, {
    method: "POST",
    headers: { ...signed, ...extra, "Content-Type": "application/json" },
    body: raw,
  });
}

describe("a signed request is accepted once", () => {
  it.each([
    ["/v2/auth/token", AUTH_TOKEN],
    ["the legacy route", LEGACY_AUTH_TOKEN],
  ])("refuses the same X-Signature again on %s, and the replay changes nothing", async (_title, path) => {
    const body = tokenBody(app);
    const raw = JSON.stringify(body);
    const signed = await signer.headers(raw);
    const first = await send(path, raw, signed);
    expect(first.status).toBe(200);
    const state = await stateOf(app.appId, body.transactionId as string);
    const again = await send(path, raw, signed);
    expect(again.status).toBe(401);
    expect(await json(again)).toEqual(UNAUTHORIZED);
    expect(await stateOf(app.appId, body.transactionId as string)).toEqual(state);
  });

  it("logs the replay as signature_replayed", async () => {
    const raw = JSON.stringify(tokenBody(app));
    const signed = await signer.headers(raw);
    expect((await send(AUTH_TOKEN, raw, signed)).status).toBe(200);
    const lines = await capturedLog(() => send(AUTH_TOKEN, raw, signed));
    expect(lines.some((line) => line.reason === "signature_replayed")).toBe(true);
  });

  it("refuses a request signed for /v2/auth/token when it is replayed on the legacy and deprecated routes", async () => {
    const body = tokenBody(app, { email: "replay@example.com" });
    const raw = JSON.stringify(body);
    const signed = await signer.headers(raw);
    expect((await send(AUTH_TOKEN, raw, signed)).status).toBe(200);
    expect((await send(LEGACY_AUTH_TOKEN, raw, signed)).status).toBe(401);
    const deprecated = await send(UNIQUE_ID, raw, signed, { appid: app.appId, appkey: app.appKey });
    expect(deprecated.status).toBe(401);
    expect(await json(deprecated)).toEqual(UNAUTHORIZED);
  });

  it("refuses a replay on the deprecated route with app-key headers", async () => {
    const raw = JSON.stringify({
      transactionId: uid("txn"),
      workflowId: app.workflowId,
      email: "u@example.com",
    });
    const signed = await signer.headers(raw);
    const keys = { appid: app.appId, appkey: app.appKey };
    expect((await send(UNIQUE_ID, raw, signed, keys)).status).toBe(200);
    expect((await send(UNIQUE_ID, raw, signed, keys)).status).toBe(401);
  });

  it("accepts the same body signed again with a new timestamp", async () => {
    const raw = JSON.stringify(tokenBody(app));
    const now = Date.now();
    expect((await send(AUTH_TOKEN, raw, await signer.headers(raw, now))).status).toBe(200);
    expect((await send(AUTH_TOKEN, raw, await signer.headers(raw, now + 1))).status).toBe(200);
  });

  it("does not spend the signature of a refused request (unregistered workflow)", async () => {
    const body = tokenBody(app, { workflowId: uid("wf") });
    const raw = JSON.stringify(body);
    const signed = await signer.headers(raw);
    expect((await send(AUTH_TOKEN, raw, signed)).status).toBe(404);
    expect((await send(AUTH_TOKEN, raw, signed)).status).toBe(404);
  });

  it("lets exactly one of 20 parallel uses win, every time", async () => {
    for (let round = 0; round < 3; round++) {
      const body = tokenBody(app);
      const raw = JSON.stringify(body);
      const signed = await signer.headers(raw);
      const responses = await Promise.all(Array.from({ length: 20 }, () => send(AUTH_TOKEN, raw, signed)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(401)]);
    }
  });
});

describe("CprTransaction.open keeps a signature until its window closes (injected now)", () => {
  const signatureKeys = (stub: ReturnType<typeof transactionStub>) =>
    runInDurableObject(stub, (_instance, state) =>
      [...state.storage.kv.list({ prefix: "signature:" })].map(([key]) => key),
    );

  it("refuses the digest within the window and forgets it once a later signed request comes after it", async () => {
    const stub = transactionStub(env, app.appId, app.incarnation, uid("txn"));
    const now = 1_900_000_000_000;
    const open = (digest: string, at: number) =>
      runInDurableObject(stub, (instance: CprTransaction) =>
        instance.open({
          workflowId: app.workflowId,
          stateTtlSeconds: 3600,
          now: at,
          signature: { digest, keepUntil: at + SIGNATURE_WINDOW_MS },
        }),
      );
    expect((await open("a".repeat(64), now)).ok).toBe(true);
    expect(await open("a".repeat(64), now + SIGNATURE_WINDOW_MS)).toEqual({
      ok: false,
      reason: "signature_replayed",
    });
    expect((await open("b".repeat(64), now + SIGNATURE_WINDOW_MS + 1)).ok).toBe(true);
    expect(await signatureKeys(stub)).toEqual([`signature:${"b".repeat(64)}`]);
  });
});
