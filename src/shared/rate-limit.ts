import { DurableObject } from "cloudflare:workers";
import { clientIp } from "./client-ip";
import { objectName } from "./ids";
import { formatIpAddress } from "./ip-allowlist";
import { fail, ok, type Result } from "./result";

/**
 * Budgets in front of the one expensive verification that needs them: PBKDF2 in portal login
 * (docs/operations.md#rate-limits). Every counter in front of a verification is keyed by what the caller
 * cannot choose for someone else (the client IP), or spends only what the key's own owner could
 * spend anyway (the per-email counter, which the lockout of docs/portal.md#lockout already makes public).
 * Nothing keyed by an unverified tenant id is charged: such a counter lets anyone use up a tenant's budget.
 * Signature verification (CPR §3.1, UPI signature mode) costs tens of microseconds, less than a
 * counter round trip, and has no limiter in front of it (docs/operations.md#rate-limits).
 * Two counters:
 * - Cloudflare's Rate Limiting binding, per client IP: no Durable Object hop, counted per Cloudflare
 *   location; a client IP is routed to one location, so it is nearly exact.
 * - `RateLimiter`, an exact Durable Object counter per email: an email can be attacked from many
 *   locations at once, each attempt costs ~100 ms of CPU, and the login already spends that long, so
 *   one more hop is noise there.
 */
/** Admitted, or refused with how long the caller waits. */
export type RateDecision = Result<void, { retryAfterSeconds: number }>;

const ALLOWED: RateDecision = ok(undefined);

/** An exact limit: at most `limit` attempts per fixed window that opens with the first attempt. */
interface ExactLimit {
  readonly scope: string;
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * PBKDF2 attempts per canonical email, known or not (the
 * lockout of docs/portal.md#lockout still applies inside it).
 */
export const LOGIN_ATTEMPTS_PER_EMAIL: ExactLimit = { scope: "login-email", limit: 60, windowMs: 60_000 };

/** The `period` of the `[[ratelimits]]` binding in wrangler.toml: what a refused caller waits at most. */
const BINDING_PERIOD_SECONDS = 60;

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
      return fail({ retryAfterSeconds: Math.max(1, Math.ceil((window.start + windowMs - now) / 1000)) });
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
function takeExact(env: Env, rule: ExactLimit, key: string, now: number): Promise<RateDecision> {
  return env.RATE_LIMITER.getByName(objectName("rate-limit", rule.scope, key)).take(
    rule.limit,
    rule.windowMs,
    now,
  );
}

/**
 * Admits one portal login's PBKDF2 (docs/portal.md#passwords, docs/architecture.md#performance): per client
 * IP first (cheap), then per canonical email, exactly. Call it after the request's cheap checks and right
 * before the password work.
 */
export async function admitLogin(
  env: Env,
  headers: Headers,
  email: string | undefined,
  now: number,
): Promise<RateDecision> {
  const ip = clientIp(headers);
  const { success } = await env.RATE_LIMIT_BY_IP.limit({
    key: `portal-login:${ip ? formatIpAddress(ip) : "unknown"}`,
  });
  if (!success) return fail({ retryAfterSeconds: BINDING_PERIOD_SECONDS });
  // A malformed (or unstorable) email reaches no user; its dummy PBKDF2 is limited per IP only.
  return email === undefined ? ALLOWED : takeExact(env, LOGIN_ATTEMPTS_PER_EMAIL, email, now);
}
