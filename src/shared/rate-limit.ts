import { DurableObject } from "cloudflare:workers";
import { clientIp } from "./client-ip";
import { objectName } from "./ids";
import { formatIpAddress } from "./ip-allowlist";

/**
 * Rate limits in front of the expensive work (SPEC §9: PBKDF2 in portal login, RSA/ECDSA verification
 * in CPR §3.1 and UPI signature mode), checked after the cheap checks and before the expensive one.
 * Two layers (README, "Rate limits"):
 * - Cloudflare's Rate Limiting binding, per client IP and per signing credential: no Durable Object
 *   hop, counted per Cloudflare location. A client IP is routed to one location, so per IP it is
 *   nearly exact; verifying a signature costs tens of microseconds, so per credential it need not be.
 * - `RateLimiter`, an exact Durable Object counter, only for PBKDF2 per email: an email can be
 *   attacked from many locations at once, each attempt costs ~100 ms of CPU, and the login already
 *   spends that long, so one more hop is noise there.
 */
export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

const ALLOWED: RateDecision = { ok: true };

/** An exact limit: at most `limit` attempts per fixed window that opens with the first attempt. */
export interface ExactLimit {
  readonly scope: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** PBKDF2 attempts per canonical email, known or not (the lockout of SPEC §4 still applies inside it). */
export const LOGIN_ATTEMPTS_PER_EMAIL: ExactLimit = { scope: "login-email", limit: 60, windowMs: 60_000 };

/** The `period` of both `[[ratelimits]]` bindings in wrangler.toml: what a refused caller waits at most. */
export const BINDING_PERIOD_SECONDS = 60;

interface Window {
  readonly start: number;
  readonly count: number;
}

const WINDOW = "window";

/** One exact counter per (scope, key), e.g. per email: `objectName("rate-limit", scope, key)`. */
export class RateLimiter extends DurableObject<Env> {
  /** Counts one attempt at `now`, or refuses it (without counting) once the window holds `limit`. */
  async take(limit: number, windowMs: number, now: number): Promise<RateDecision> {
    const kv = this.ctx.storage.kv;
    const stored = kv.get<Window>(WINDOW);
    const window = stored && now < stored.start + windowMs ? stored : { start: now, count: 0 };
    if (window.count >= limit) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) };
    }
    kv.put<Window>(WINDOW, { start: window.start, count: window.count + 1 });
    // A new window also schedules its own removal, so idle counters do not pile up.
    if (window !== stored) await this.ctx.storage.setAlarm(window.start + windowMs);
    return ALLOWED;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}

/** Counts an attempt against an exact limit. */
export function takeExact(env: Env, rule: ExactLimit, key: string, now: number): Promise<RateDecision> {
  return env.RATE_LIMITER.getByName(objectName("rate-limit", rule.scope, key)).take(
    rule.limit,
    rule.windowMs,
    now,
  );
}

async function takeCheap(binding: RateLimit, key: string): Promise<RateDecision> {
  const { success } = await binding.limit({ key });
  return success ? ALLOWED : { ok: false, retryAfterSeconds: BINDING_PERIOD_SECONDS };
}

/** The expensive operations behind a limit, and what identifies the credential each one spends on. */
export type ExpensiveWork =
  | { readonly kind: "portal-login"; readonly email?: string }
  | { readonly kind: "cpr-signature"; readonly appId: string }
  | { readonly kind: "upi-signature"; readonly merchantId: string; readonly merchantKeyId: string };

/**
 * Admits one expensive operation: per client IP first (cheap), then per credential. Call it after
 * the request's cheap checks passed and right before the expensive one.
 */
export async function admitExpensiveWork(
  env: Env,
  headers: Headers,
  work: ExpensiveWork,
  now: number,
): Promise<RateDecision> {
  const ip = clientIp(headers);
  const byIp = await takeCheap(env.RATE_LIMIT_BY_IP, `${work.kind}:${ip ? formatIpAddress(ip) : "unknown"}`);
  if (!byIp.ok) return byIp;
  switch (work.kind) {
    case "portal-login":
      // A malformed email reaches no user; its dummy PBKDF2 is limited per IP only.
      return work.email === undefined ? ALLOWED : takeExact(env, LOGIN_ATTEMPTS_PER_EMAIL, work.email, now);
    case "cpr-signature":
      return takeCheap(env.RATE_LIMIT_BY_CREDENTIAL, `${work.kind}:${work.appId}`);
    case "upi-signature":
      // JSON keeps (merchantId, merchantKeyId) unambiguous whatever the ids contain.
      return takeCheap(
        env.RATE_LIMIT_BY_CREDENTIAL,
        `${work.kind}:${JSON.stringify([work.merchantId, work.merchantKeyId])}`,
      );
  }
}
