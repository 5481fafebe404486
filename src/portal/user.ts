import { DurableObject } from "cloudflare:workers";
import { fail, ok, type Result } from "../shared/result";
import { recordTenantEvent } from "../shared/tenants";
import { portalTokenObject } from "./sessions";

// docs/portal.md#lockout: 10 failures within 15 minutes lock the email for 15 minutes.
export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
// docs/portal.md#tokens-and-refresh: without refresh, a live token is handed out again unless it has less left.
const REUSE_MIN_REMAINING_MS = 60 * 60 * 1000;

interface IssuedToken {
  readonly hash: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly organizationId: number;
}

/** The current token also keeps its sealed plaintext, so a login without refresh can return it. */
interface CurrentToken extends IssuedToken {
  readonly sealed: string;
}

interface Sessions {
  readonly current?: CurrentToken;
  /** Replaced with under an hour left, it lives out its time (docs/portal.md#tokens-and-refresh). */
  readonly previous?: IssuedToken;
}

interface Lockout {
  /** Failure times inside the window, oldest first (at most MAX_FAILURES). */
  readonly failures: readonly number[];
  readonly lockedUntil?: number;
}

/** What the Worker established before calling: the password check runs outside this object. */
interface LoginAttempt {
  readonly email: string;
  readonly now: number;
  readonly refresh: boolean;
  readonly requestId?: string;
  /** Present only when the password verified against the user record the Worker read. */
  readonly accepted?: {
    /** The record's credential version: a record older than this object's is stale (KV delay). */
    readonly credentialVersion: number;
    readonly ipAllowed: boolean;
    readonly organizationId: number;
    readonly ttlSeconds: number;
    readonly candidate: { readonly hash: string; readonly sealed: string };
  };
}

/** The token to hand out, or why not (shaped like the portal's reasons: docs/portal.md#errors). */
type LoginOutcome = Result<
  { current: CurrentToken; issued: boolean },
  { code: "invalid_credentials" | "ip_not_allowed" } | { code: "locked"; retryAfterSeconds: number }
>;

const SESSIONS = "sessions";
const LOCKOUT = "lockout";
const CREDENTIAL_VERSION = "credentialVersion";

/**
 * Per portal email, known or not: the failure counter and live tokens. Each check-and-set is on synchronous
 * storage, so concurrent logins never race (docs/portal.md#lockout).
 */
export class PortalUser extends DurableObject<Env> {
  async login(attempt: LoginAttempt): Promise<LoginOutcome> {
    const { now, accepted } = attempt;
    const lockout = this.lockout(now);
    // docs/portal.md#lockout: a locked email answers 429 even for the right password.
    if (lockout.lockedUntil !== undefined) {
      return fail({ code: "locked", retryAfterSeconds: Math.ceil((lockout.lockedUntil - now) / 1000) });
    }
    if (!accepted || accepted.credentialVersion !== this.credentialVersion()) {
      // The alarm drops the failure record once it has fully expired.
      const failures = [...lockout.failures, now];
      const locked = failures.length >= MAX_FAILURES;
      const windowEnd = now + FAILURE_WINDOW_MS;
      const counted: Lockout = locked ? { failures: [], lockedUntil: windowEnd } : { failures };
      this.ctx.storage.kv.put(LOCKOUT, counted);
      await this.ctx.storage.setAlarm(windowEnd);
      // docs/admin.md#event-log: only for an email that is or was a user; a failed write keeps the lock.
      if (locked && this.credentialVersion() !== 0) {
        const event = { type: "locked_out", requestId: attempt.requestId ?? "" } as const;
        await recordTenantEvent(this.env, "portal-user", attempt.email, event);
      }
      return fail({ code: "invalid_credentials" });
    }
    if (!accepted.ipAllowed) return fail({ code: "ip_not_allowed" });
    this.ctx.storage.kv.delete(LOCKOUT);

    const reusable = attempt.refresh ? undefined : this.reusableToken(now);
    if (reusable) return ok({ current: reusable, issued: false });

    const { candidate, ttlSeconds, organizationId } = accepted;
    const { hash, sealed } = candidate;
    const fresh = { hash, sealed, issuedAt: now, expiresAt: now + ttlSeconds * 1000, organizationId };
    // The pointer exists before the token is current, so a token handed out is always findable (a pointer
    // to a user who never held its token is harmless).
    await portalTokenObject(this.env, fresh.hash).register({
      email: attempt.email,
      expiresAt: fresh.expiresAt,
    });
    // Meanwhile the credentials may have been reset, or a concurrent login installed a token to hand out.
    if (accepted.credentialVersion !== this.credentialVersion()) return fail({ code: "invalid_credentials" });
    const raced = attempt.refresh ? undefined : this.reusableToken(now);
    if (raced) return ok({ current: raced, issued: false });

    const { current } = this.sessions();
    // docs/portal.md#tokens-and-refresh: refresh ends the previous token at once; a renewal lets it live.
    const previous =
      !attempt.refresh && current && current.expiresAt > now ? withoutSeal(current) : undefined;
    this.ctx.storage.kv.put<Sessions>(SESSIONS, { current: fresh, previous });
    return ok({ current: fresh, issued: true });
  }

  session(hash: string, now: number): IssuedToken | undefined {
    const { current, previous } = this.sessions();
    const held = [current, previous].find((token) => token?.hash === hash);
    return held && held.expiresAt > now ? withoutSeal(held) : undefined;
  }

  /** Ends one token at once (logout, RFC 7009 revocation); unknown hashes are ignored. */
  revoke(hash: string): void {
    const { current, previous } = this.sessions();
    this.ctx.storage.kv.put<Sessions>(SESSIONS, {
      current: current?.hash === hash ? undefined : current,
      previous: previous?.hash === hash ? undefined : previous,
    });
  }

  /** A new credential version: every token ends, older records cannot log in (docs/storage.md#kv-delay). */
  resetCredentials(): number {
    const version = this.credentialVersion() + 1;
    this.ctx.storage.kv.put(CREDENTIAL_VERSION, version);
    this.ctx.storage.kv.delete(SESSIONS);
    return version;
  }

  unlock(): void {
    this.ctx.storage.kv.delete(LOCKOUT);
  }

  private credentialVersion(): number {
    return this.ctx.storage.kv.get<number>(CREDENTIAL_VERSION) ?? 0;
  }

  private sessions(): Sessions {
    return this.ctx.storage.kv.get<Sessions>(SESSIONS) ?? {};
  }

  private reusableToken(now: number): CurrentToken | undefined {
    const { current } = this.sessions();
    return current && current.expiresAt - now >= REUSE_MIN_REMAINING_MS ? current : undefined;
  }

  /** The lockout state at `now`: failures outside the window and an expired lock are dropped. */
  private lockout(now: number): Lockout {
    const stored = this.ctx.storage.kv.get<Lockout>(LOCKOUT);
    if (!stored) return { failures: [] };
    if (stored.lockedUntil !== undefined) return stored.lockedUntil > now ? stored : { failures: [] };
    return { failures: stored.failures.filter((at) => at > now - FAILURE_WINDOW_MS) };
  }

  /** Drops an expired failure record, and the object when nothing is left (none kept per guessed email). */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const lockout = this.lockout(now);
    if (lockout.lockedUntil !== undefined || lockout.failures.length > 0) {
      await this.ctx.storage.setAlarm(lockout.lockedUntil ?? lockout.failures[0]! + FAILURE_WINDOW_MS);
      return;
    }
    this.ctx.storage.kv.delete(LOCKOUT);
    if (this.credentialVersion() === 0 && !this.ctx.storage.kv.get(SESSIONS)) {
      await this.ctx.storage.deleteAll();
    }
  }
}

function withoutSeal({ hash, issuedAt, expiresAt, organizationId }: IssuedToken): IssuedToken {
  return { hash, issuedAt, expiresAt, organizationId };
}
