import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_WINDOW_MS, verifyRequestSignature } from "../../src/cpr/request-signature";
import { transactionStub } from "../../src/cpr/transaction";
import { APPS } from "../../src/shared/config-records";
import { ConfigStore } from "../../src/shared/config-store";
import { checkTimestamp, MAX_FUTURE_SKEW_MS } from "../../src/upi/signature";
import { tokenBody } from "../cpr/helpers";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { json, uid } from "../support/worker";
import { processCall, provisionMerchant, signedBody, storedKeys } from "../upi/support";
import { envelopes, postRaw, type RequestSigner, registerRequestSigner } from "./fixtures";
import { itRefuses, type RefusalCase } from "./negative";

/**
 * Signature attacks (docs/cpr.md#request-signatures CPR request signatures, docs/upi.md#signature-mode UPI
 * signed payloads) that the family suites do not already cover: test/cpr/access.test.ts has missing headers,
 * one byte changed in body or signature, stale/future/malformed timestamps, unknown and other registered
 * keys; test/upi/process-signature.test.ts has stale/future payloads, re-serialisation, truncation,
 * replays and their races; test/upi/merchants.test.ts has retired keys and another merchant's key.
 */

const UNAUTHORIZED = envelopes.cpr(401, "IP not whitelisted or authorization failed", "unauthorized_access");

describe("CPR request signatures", () => {
  let app: ProvisionedApp;
  let otherApp: ProvisionedApp;
  let signer: RequestSigner;
  let otherSigner: RequestSigner;
  beforeAll(async () => {
    [app, otherApp] = await Promise.all([provisionApp(), provisionApp()]);
    [signer, otherSigner] = await Promise.all([
      registerRequestSigner(app.appId),
      registerRequestSigner(otherApp.appId),
    ]);
  });

  /** A signed-request refusal: `attack` gets the body text and returns what is actually sent. */
  const attack =
    (
      build: (
        raw: string,
        body: Record<string, unknown>,
      ) => Promise<{ raw: string; headers: Record<string, string> }>,
    ) =>
    async (): Promise<RefusalCase> => {
      const body = tokenBody(app, { email: `${uid("u")}@example.com` });
      const sent = await build(JSON.stringify(body), body);
      return {
        send: () => postRaw("/v2/auth/token", sent.raw, "application/json", { headers: sent.headers }),
        status: 401,
        body: UNAUTHORIZED,
        secrets: [app.appKey, sent.headers["X-Signature"] ?? ""].filter(Boolean),
        foreignIds: [otherApp.appId],
        watch: [transactionStub(env, app.appId, app.incarnation, body.transactionId as string)],
      };
    };

  itRefuses([
    [
      "a re-serialised body (indentation) under the original's signature",
      attack(async (raw) => ({
        raw: JSON.stringify(JSON.parse(raw), null, 1),
        headers: await signer.headers(raw),
      })),
    ],
    [
      "the same fields in another order under the original's signature",
      attack(async (raw, body) => ({
        raw: JSON.stringify(Object.fromEntries(Object.entries(body).reverse())),
        headers: await signer.headers(raw),
      })),
    ],
    [
      "a signature over the body alone, without the timestamp",
      attack(async (raw) => ({ raw, headers: await signer.headers(raw, Date.now(), raw) })),
    ],
    [
      "a signature over the body with the timestamp after it",
      attack(async (raw) => {
        const now = Date.now();
        return { raw, headers: await signer.headers(raw, now, `${raw}.${now}`) };
      }),
    ],
    [
      "a timestamp in seconds, signed as such",
      attack(async (raw) => ({ raw, headers: await signer.headers(raw, Math.floor(Date.now() / 1000)) })),
    ],
    [
      "a signed timestamp with a + sign",
      attack(async (raw) => {
        const now = Date.now();
        return {
          raw,
          headers: { ...(await signer.headers(raw, now, `+${now}.${raw}`)), "X-Timestamp": `+${now}` },
        };
      }),
    ],
    [
      "another app's key id with that app's valid signature (wrong key owner)",
      attack(async (raw) => ({ raw, headers: await otherSigner.headers(raw) })),
    ],
    [
      "our key id with another app's signature",
      attack(async (raw) => ({
        raw,
        headers: { ...(await otherSigner.headers(raw)), "X-Key-Id": signer.keyId },
      })),
    ],
    [
      "another request's signature replayed on this body",
      attack(async (raw) => ({ raw, headers: await signer.headers(JSON.stringify(tokenBody(app))) })),
    ],
    [
      "the key id of the signature in another case",
      attack(async (raw) => ({
        raw,
        headers: { ...(await signer.headers(raw)), "X-Key-Id": signer.keyId.toUpperCase() },
      })),
    ],
  ]);

  it("refuses a replay inside the window, also with the signature re-encoded (docs/cpr.md#single-use: accepted once)", async () => {
    const body = tokenBody(app, { email: `${uid("u")}@example.com` });
    const raw = JSON.stringify(body);
    const headers = await signer.headers(raw);
    const first = await postRaw("/v2/auth/token", raw, "application/json", { headers });
    expect(first.status).toBe(200);
    const replay = await postRaw("/v2/auth/token", raw, "application/json", { headers });
    expect(replay.status).toBe(401);
    const signature = headers["X-Signature"]!;
    const reencoded = signature.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const respelt = await postRaw("/v2/auth/token", raw, "application/json", {
      headers: { ...headers, "X-Signature": reencoded },
    });
    expect(respelt.status).toBe(401);
  });

  it("accepts timestamps exactly at the window's edges and refuses one millisecond beyond (injected now)", async () => {
    const now = 1_900_000_000_000;
    const { requestKeys } = (await new ConfigStore(env.CONFIG).getFresh(APPS, app.appId))!;
    const raw = new TextEncoder().encode("{}").buffer as ArrayBuffer;
    const verify = async (timestamp: number) =>
      verifyRequestSignature(requestKeys, new Headers(await signer.headers("{}", timestamp)), raw, now);
    expect(await verify(now - SIGNATURE_WINDOW_MS)).toEqual({ ok: true, value: signer.keyId });
    expect(await verify(now + SIGNATURE_WINDOW_MS)).toEqual({ ok: true, value: signer.keyId });
    expect(await verify(now - SIGNATURE_WINDOW_MS - 1)).toEqual({ ok: false, reason: "signature_stale" });
    expect(await verify(now + SIGNATURE_WINDOW_MS + 1)).toEqual({ ok: false, reason: "signature_stale" });
  });
});

describe("UPI signed payloads", () => {
  it("refuses a replay whose signature is re-encoded (URL-safe, unpadded) under another requestId", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    expect((await processCall(body)).status).toBe(200);
    const keysAfterFirst = await storedKeys(merchant, customerId);
    const reencoded = body.payload.signature.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    const requestId = crypto.randomUUID();
    const replay = await processCall({
      ...body,
      requestId,
      payload: { ...body.payload, signature: reencoded },
    });
    expect(replay.status).toBe(409);
    expect(await json(replay)).toEqual(
      envelopes.upi(
        "DUPLICATE_REQUEST",
        "This signaturePayload has already been used",
        requestId,
        "upiGetSessionToken",
      ),
    );
    expect(await storedKeys(merchant, customerId)).toEqual(keysAfterFirst);
  });

  it("answers the same requestId with a re-encoded signature with the first answer, not a second session", async () => {
    const merchant = await provisionMerchant();
    const body = await signedBody(merchant, { customerId: uid("c") });
    const first = await json(await processCall(body));
    const reencoded = encodeURIComponent(body.payload.signature);
    const again = await json(
      await processCall({ ...body, payload: { ...body.payload, signature: reencoded } }),
    );
    expect(again.payload.sessionToken).toBe(first.payload.sessionToken);
  });

  it("keeps the window's edges exact: max age and one minute ahead are in, one millisecond beyond is out", () => {
    const now = 1_900_000_000_000;
    const maxAgeSeconds = 900;
    expect(checkTimestamp(now - maxAgeSeconds * 1000, now, maxAgeSeconds)).toBe("in_window");
    expect(checkTimestamp(now - maxAgeSeconds * 1000 - 1, now, maxAgeSeconds)).toBe("timestamp_too_old");
    expect(checkTimestamp(now + MAX_FUTURE_SKEW_MS, now, maxAgeSeconds)).toBe("in_window");
    expect(checkTimestamp(now + MAX_FUTURE_SKEW_MS + 1, now, maxAgeSeconds)).toBe("timestamp_in_future");
  });
});
