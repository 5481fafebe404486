import { DurableObject } from "cloudflare:workers";
import { clientIp } from "./client-ip";
import { objectName } from "./ids";
import { formatIpAddress } from "./ip-allowlist";
import { fail, ok, type Result } from "./result";

// Budgets in front of portal login's PBKDF2, keyed by client IP, then exactly by email; never by a tenant id
// the request merely names, which would let anyone use up a tenant's budget. The IP binding needs no object
// hop and is near exact (an IP reaches one location); an email is attacked from everywhere, so its count is
// one exact object, a hop that is noise next to PBKDF2. Signature checks cost less than a counter round trip
// and have none (docs/operations.md#rate-limits).

/** Admitted, or refused with how long the caller waits. */
export type RateDecision = Result<void, { retryAfterSeconds: number }>;

const ALLOWED: RateDecision = ok(undefined);

/**
 * PBKDF2 attempts per canonical email, known or not, per fixed window that opens with the first attempt
 * (docs/portal.md#lockout still applies inside it).
 */
export const LOGIN_ATTEMPTS_PER_EMAIL = { scope: "login-email", limit: 60, windowMs: 60_000 } as const;

/** The `period` of the `[[ratelimits]]` binding in wrangler.toml: what a refused caller waits at most. */
const BINDING_PERIOD_SECONDS = 60;

type Window = { readonly start: number; readonly count: number };

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

/** Admits one portal login's PBKDF2, right before it (docs/portal.md#passwords): per IP, then per email. */
export async function admitLogin(
  env: Env,
  headers: Headers,
  email: string | undefined,
  now: number,
): Promise<RateDecision> {
  const ip = clientIp(headers);
  const key = `portal-login:${ip ? formatIpAddress(ip) : "unknown"}`;
  const { success } = await env.RATE_LIMIT_BY_IP.limit({ key });
  if (!success) return fail({ retryAfterSeconds: BINDING_PERIOD_SECONDS });
  // A malformed (or unstorable) email reaches no user; its dummy PBKDF2 is limited per IP only.
  if (email === undefined) return ALLOWED;
  const { scope, limit, windowMs } = LOGIN_ATTEMPTS_PER_EMAIL;
  return env.RATE_LIMITER.getByName(objectName("rate-limit", scope, email)).take(limit, windowMs, now);
}
