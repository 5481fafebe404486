import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { portalUserObject } from "../../src/portal/sessions";
import { MAX_FAILURES } from "../../src/portal/user";
import { objectName } from "../../src/shared/ids";
import { LOGIN_ATTEMPTS_PER_EMAIL, type RateLimiter } from "../../src/shared/rate-limit";
import { tokenBody } from "../cpr/helpers";
import { login, provisionUser } from "../portal/support";
import { provisionApp } from "../support/tenants";
import { json, uid } from "../support/worker";
import { provisionMerchant, signedBody } from "../upi/support";
import { envelopes, fetchWith, registerRequestSigner } from "./fixtures";
import { expectRefusal } from "./negative";

/**
 * Rate limits in front of PBKDF2 and signature verification (README, "Rate limits"): exact per email
 * in a Durable Object, per IP and per signing credential through Cloudflare's Rate Limiting binding,
 * which tests replace through the env seam to make it refuse or to record what it was asked.
 */

const limiterOf = (email: string) =>
  env.RATE_LIMITER.getByName(objectName("rate-limit", LOGIN_ATTEMPTS_PER_EMAIL.scope, email));

/** A stand-in for a Rate Limiting binding: records each key, answers `success`. */
function fakeBinding(success: boolean): RateLimit & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async limit({ key }: RateLimitOptions) {
      keys.push(key);
      return { success };
    },
  };
}

/** A fresh address per test, so tests never share a per-IP bucket. */
const freshIp = () => `198.51.100.${1 + Math.floor(Math.random() * 254)}`;

describe("RateLimiter: an exact counter (injected now)", () => {
  const take = (name: string, now: number, limit = 3, windowMs = 60_000) =>
    runInDurableObject(env.RATE_LIMITER.getByName(name), (instance: RateLimiter) =>
      instance.take(limit, windowMs, now),
    );

  it("admits exactly `limit` attempts per window, refuses the next with the time left, and reopens after it", async () => {
    const name = uid("limiter");
    const start = 1_900_000_000_000;
    for (let i = 0; i < 3; i++) expect(await take(name, start + i)).toEqual({ ok: true });
    expect(await take(name, start + 30_000)).toEqual({ ok: false, retryAfterSeconds: 30 });
    expect(await take(name, start + 59_999)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(await take(name, start + 60_000)).toEqual({ ok: true });
  });

  it("counts parallel attempts exactly: 3 of 12 pass", async () => {
    const stub = env.RATE_LIMITER.getByName(uid("limiter"));
    const now = Date.now();
    const decisions = await Promise.all(Array.from({ length: 12 }, () => stub.take(3, 60_000, now)));
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(3);
  });

  it("removes an idle counter with its alarm", async () => {
    const stub = env.RATE_LIMITER.getByName(uid("limiter"));
    await stub.take(3, 60_000, Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (_instance, state) => [...state.storage.kv.list()])).toEqual([]);
  });
});

describe(`portal: ${LOGIN_ATTEMPTS_PER_EMAIL.limit} PBKDF2 attempts per email per minute, exactly`, () => {
  it("answers the attempt after the limit with 429 and Retry-After, before any password work or lockout count", async () => {
    const email = `${uid("target")}@example.com`;
    const ip = freshIp();
    const attempts = await Promise.all(
      Array.from({ length: LOGIN_ATTEMPTS_PER_EMAIL.limit }, (_, i) =>
        login({ email, password: `guess-${i}` }, { init: { ip } }),
      ),
    );
    const statuses = attempts.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(MAX_FAILURES);
    expect(statuses.filter((status) => status === 429)).toHaveLength(
      LOGIN_ATTEMPTS_PER_EMAIL.limit - MAX_FAILURES,
    );
    await expectRefusal({
      send: () => login({ email, password: "one-more" }, { init: { ip: freshIp() } }),
      status: 429,
      body: envelopes.portal("Too many requests, try again later"),
      watch: [portalUserObject(env, email), limiterOf(email)],
    });
  });

  it("limits each email on its own: another email from the same IP still logs in", async () => {
    const user = await provisionUser();
    const ip = freshIp();
    const email = `${uid("target")}@example.com`;
    await Promise.all(
      Array.from({ length: LOGIN_ATTEMPTS_PER_EMAIL.limit + 1 }, () =>
        login({ email, password: "x" }, { init: { ip } }),
      ),
    );
    expect((await login(user, { init: { ip } })).status).toBe(200);
  });
});

describe("the per-IP and per-credential bindings", () => {
  it("portal: a refusing per-IP binding answers 429 before PBKDF2, with the portal's envelope", async () => {
    const user = await provisionUser();
    const byIp = fakeBinding(false);
    const ip = freshIp();
    await expectRefusal({
      send: () =>
        fetchWith(
          "/api_auth",
          {
            headers: { "X-User-Email": user.email, "X-User-Password": user.password, "CF-Connecting-IP": ip },
          },
          { RATE_LIMIT_BY_IP: byIp },
        ),
      status: 429,
      body: envelopes.portal("Too many requests, try again later"),
      headers: { "Retry-After": "60" },
      secrets: [user.password],
      watch: [portalUserObject(env, user.email), limiterOf(user.email)],
    });
    expect(byIp.keys).toEqual([`portal-login:${ip}`]);
  });

  it("CPR §3.1: a refusing binding answers 429 too_many_requests, after the credentials and before the signature", async () => {
    const app = await provisionApp({ ipAllowlist: ["0.0.0.0/0"] });
    const signer = await registerRequestSigner(app.appId);
    const raw = JSON.stringify(tokenBody(app));
    const headers = { ...(await signer.headers(raw)), "Content-Type": "application/json" };
    const ip = freshIp();
    for (const [binding, refusing] of [
      ["RATE_LIMIT_BY_IP", fakeBinding(false)],
      ["RATE_LIMIT_BY_CREDENTIAL", fakeBinding(false)],
    ] as const) {
      await expectRefusal({
        send: () =>
          fetchWith(
            "/v2/auth/token",
            { method: "POST", headers: { ...headers, "CF-Connecting-IP": ip }, body: raw },
            {
              [binding]: refusing,
            },
          ),
        status: 429,
        body: envelopes.cpr(429, "Too many requests, try again later", "too_many_requests"),
        headers: { "Retry-After": "60" },
        secrets: [app.appKey],
      });
      expect(refusing.keys).toEqual([
        binding === "RATE_LIMIT_BY_IP" ? `cpr-signature:${ip}` : `cpr-signature:${app.appId}`,
      ]);
    }
    const wrongKey = fakeBinding(false);
    const denied = await fetchWith(
      "/v2/auth/token",
      { method: "POST", headers, body: JSON.stringify(tokenBody(app, { appKey: "wrong" })) },
      { RATE_LIMIT_BY_IP: wrongKey },
    );
    expect(denied.status).toBe(401);
    expect(wrongKey.keys).toEqual([]);
  });

  it("CPR without request keys never consults a limiter (the hot path stays free)", async () => {
    const app = await provisionApp();
    const byIp = fakeBinding(false);
    const byCredential = fakeBinding(false);
    const response = await fetchWith(
      "/v2/auth/token",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(tokenBody(app)),
      },
      { RATE_LIMIT_BY_IP: byIp, RATE_LIMIT_BY_CREDENTIAL: byCredential },
    );
    expect(response.status).toBe(200);
    expect([...byIp.keys, ...byCredential.keys]).toEqual([]);
  });

  it("UPI signature mode: 429 TOO_MANY_REQUESTS in the process envelope, only once the key is known", async () => {
    const merchant = await provisionMerchant();
    const body = await signedBody(merchant, { customerId: uid("c") });
    const byCredential = fakeBinding(false);
    const init = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    };
    await expectRefusal({
      send: () => fetchWith("/hyperapi/process", init, { RATE_LIMIT_BY_CREDENTIAL: byCredential }),
      status: 429,
      body: envelopes.upi(
        "TOO_MANY_REQUESTS",
        "Too many requests, try again later",
        body.requestId,
        "upiGetSessionToken",
      ),
      headers: { "Retry-After": "60" },
    });
    expect(byCredential.keys).toEqual([
      `upi-signature:${JSON.stringify([merchant.merchantId, merchant.key.merchantKeyId])}`,
    ]);
    const unknownKey = fakeBinding(false);
    const refused = await fetchWith(
      "/hyperapi/process",
      { ...init, body: JSON.stringify({ ...body, payload: { ...body.payload, merchantKeyId: uid("k") } }) },
      { RATE_LIMIT_BY_IP: unknownKey },
    );
    expect((await json(refused)).errorCode).toBe("UNAUTHORIZED");
    expect(unknownKey.keys).toEqual([]);
  });

  it("the real bindings answer locally (wrangler.toml [[ratelimits]])", async () => {
    expect(await env.RATE_LIMIT_BY_IP.limit({ key: uid("probe") })).toEqual({ success: true });
    expect(await env.RATE_LIMIT_BY_CREDENTIAL.limit({ key: uid("probe") })).toEqual({ success: true });
  });
});
