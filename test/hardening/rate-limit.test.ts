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
import { admin, json, uid } from "../support/worker";
import { provisionMerchant, signedBody } from "../upi/support";
import { envelopes, fetchWith, registerRequestSigner } from "./fixtures";
import { expectRefusal } from "./negative";

/**
 * Budgets (docs/operations.md#rate-limits): PBKDF2 is limited exactly per email in a Durable Object and
 * per IP through Cloudflare's Rate Limiting binding, which tests replace through the env seam to make
 * it refuse, lower its limit, or record what it was asked. Signature verification has no limiter.
 */

const limiterOf = (email: string) =>
  env.RATE_LIMITER.getByName(objectName("rate-limit", LOGIN_ATTEMPTS_PER_EMAIL.scope, email));

/** A stand-in for a Rate Limiting binding: records each key, then answers what `admits` says of it. */
function recordingBinding(admits: (key: string, keys: string[]) => boolean): RateLimit & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    async limit({ key }: RateLimitOptions) {
      keys.push(key);
      return { success: admits(key, keys) };
    },
  };
}

/** A stand-in for a Rate Limiting binding: records each key, answers `success`. */
function fakeBinding(success: boolean): RateLimit & { keys: string[] } {
  return recordingBinding(() => success);
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
    for (let i = 0; i < 3; i++) expect(await take(name, start + i)).toEqual({ ok: true, value: undefined });
    expect(await take(name, start + 30_000)).toEqual({ ok: false, reason: { retryAfterSeconds: 30 } });
    expect(await take(name, start + 59_999)).toEqual({ ok: false, reason: { retryAfterSeconds: 1 } });
    expect(await take(name, start + 60_000)).toEqual({ ok: true, value: undefined });
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

/**
 * A stand-in for a Rate Limiting binding with its limit lowered (what `simple = { limit }` in
 * wrangler.toml configures): admits `limit` calls per key, refuses the rest.
 */
function lowLimitBinding(limit: number): RateLimit & { keys: string[] } {
  return recordingBinding((key, keys) => keys.filter((seen) => seen === key).length <= limit);
}

describe("budgets (docs/operations.md#rate-limits): only the portal's PBKDF2 is limited, per IP and per email", () => {
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

  it("portal: a login of a pair that logged in lately does no PBKDF2 and spends no budget; a changed record does", async () => {
    const user = await provisionUser();
    const ip = freshIp();
    const headers = { "X-User-Email": user.email, "X-User-Password": user.password, "CF-Connecting-IP": ip };
    expect((await login(user, { init: { ip } })).status).toBe(200);
    // docs/portal.md#verified-logins: nothing to protect, so nothing charged, even by a refusing binding.
    const refusing = fakeBinding(false);
    expect((await fetchWith("/api_auth", { headers }, { RATE_LIMIT_BY_IP: refusing })).status).toBe(200);
    expect(refusing.keys).toEqual([]);
    // A new password makes the remembered pair stale: the old password is checked afresh, within budget.
    const newPassword = `Pw-${crypto.randomUUID()}`;
    expect((await admin("PATCH", `/users/${user.email}`, { password: newPassword })).status).toBe(200);
    const response = await fetchWith("/api_auth", { headers }, { RATE_LIMIT_BY_IP: refusing });
    expect(response.status).toBe(429);
    expect(await json(response)).toEqual(envelopes.portal("Too many requests, try again later"));
    expect(refusing.keys).toEqual([`portal-login:${ip}`]);
  });

  it("issue 13 #1: junk signed requests naming a merchant and its key, from many IPs, leave its own signed request unharmed", async () => {
    const merchant = await provisionMerchant();
    // The limit lowered to 3 through the env seam; the old code charged (merchantId, merchantKeyId)
    // before the signature, so the 4th junk request used the merchant's budget up.
    const binding = lowLimitBinding(3);
    const seam = { RATE_LIMIT_BY_IP: binding, RATE_LIMIT_BY_CREDENTIAL: binding } as Partial<Env>;
    const junk = await signedBody(merchant, { customerId: uid("c") });
    junk.payload.signature = btoa("x".repeat(256));
    for (let i = 0; i < 6; i++) {
      const refused = await fetchWith(
        "/hyperapi/process",
        {
          method: "POST",
          headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
          body: JSON.stringify({ ...junk, requestId: crypto.randomUUID() }),
        },
        seam,
      );
      expect((await json(refused)).errorCode).toBe("UNAUTHORIZED");
    }
    const own = await fetchWith(
      "/hyperapi/process",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(await signedBody(merchant, { customerId: uid("c") })),
      },
      seam,
    );
    expect(own.status).toBe(200);
    expect(binding.keys).toEqual([]);
  });

  it("CPR §3.1: a signed request consults no limiter, so nothing an outsider sends can refuse it", async () => {
    const app = await provisionApp({ ipAllowlist: ["0.0.0.0/0"] });
    const signer = await registerRequestSigner(app.appId);
    const refusing = fakeBinding(false);
    const seam = { RATE_LIMIT_BY_IP: refusing, RATE_LIMIT_BY_CREDENTIAL: refusing } as Partial<Env>;
    const wrongKey = JSON.stringify(tokenBody(app, { appKey: "wrong" }));
    const denied = await fetchWith(
      "/v2/auth/token",
      {
        method: "POST",
        headers: { ...(await signer.headers(wrongKey)), "Content-Type": "application/json" },
        body: wrongKey,
      },
      seam,
    );
    expect(denied.status).toBe(401);
    const raw = JSON.stringify(tokenBody(app));
    const response = await fetchWith(
      "/v2/auth/token",
      {
        method: "POST",
        headers: {
          ...(await signer.headers(raw)),
          "Content-Type": "application/json",
          "CF-Connecting-IP": freshIp(),
        },
        body: raw,
      },
      seam,
    );
    expect(response.status).toBe(200);
    expect(refusing.keys).toEqual([]);
  });

  it("CPR without request keys never consults a limiter either", async () => {
    const app = await provisionApp();
    const refusing = fakeBinding(false);
    const response = await fetchWith(
      "/v2/auth/token",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(tokenBody(app)),
      },
      { RATE_LIMIT_BY_IP: refusing },
    );
    expect(response.status).toBe(200);
    expect(refusing.keys).toEqual([]);
  });

  it("the real per-IP binding answers locally (wrangler.toml [[ratelimits]])", async () => {
    expect(await env.RATE_LIMIT_BY_IP.limit({ key: uid("probe") })).toEqual({ success: true });
  });
});
