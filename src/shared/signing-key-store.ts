import { DurableObject } from "cloudflare:workers";
import type { JWK } from "jose";
import type { SealedKey } from "./key-sealing";
import { fail, ok, type Result } from "./result";
import { JWKS_MAX_AGE_SECONDS, JWKS_STALE_SECONDS, type SigningAlgorithm } from "./signing-keys";

/** How long an isolate uses its cached ring: the bound on a rotation's or revocation's reach (README). */
export const RING_CACHE_MS = 60_000;

// docs/operations.md#key-states: a key signs only once every isolate (RING_CACHE_MS) and every verifier (a
// JWKS kept for max-age plus stale-while-revalidate) can know it.
export const PUBLISH_BEFORE_SIGNING_MS = RING_CACHE_MS + (JWKS_MAX_AGE_SECONDS + JWKS_STALE_SECONDS) * 1000;

/**
 * The longest token a key signs: CPR `expiry` ≤ 86400 s (docs/cpr.md#the-token), UPI sessions 15 min
 * (docs/upi.md#session-tokens). A test pins it to the CPR schema's maximum.
 */
export const LONGEST_TOKEN_MS = 86_400 * 1000;

// docs/operations.md#key-states: published until its last token expires, plus a ring's life, during which
// other isolates may still sign with it.
export const RETIRED_KEY_RETENTION_MS = RING_CACHE_MS + LONGEST_TOKEN_MS;

type KeyState = "next" | "active" | "retired";
type KeyOrigin = "generated" | "imported";

/** A key as the store holds it: the public half in clear, the private half sealed (key-sealing.ts). */
export interface StoredKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly state: KeyState;
  readonly origin: KeyOrigin;
  readonly publicJwk: JWK;
  readonly sealed: SealedKey;
  /** When the key was stored and first published. Unix ms, like every time here. */
  readonly createdAt: number;
  readonly activatedAt?: number;
  readonly retiredAt?: number;
  /** When a retired key is removed (the alarm's time). */
  readonly removeAt?: number;
}

/** A new key for the store: made and sealed by the Worker, so the store never holds a clear private key. */
export type SealedMaterial = Pick<StoredKey, "kid" | "alg" | "origin" | "publicJwk" | "sealed">;

type EventTrigger = "admin" | "schedule" | "startup" | "alarm";
type KeyEventType = "imported" | "generated" | "rotated" | "revoked" | "removed" | "repaired";

interface KeyEvent {
  readonly id: string;
  readonly at: number;
  readonly type: KeyEventType;
  readonly kid: string;
  readonly trigger: EventTrigger;
  readonly requestId: string | null;
  readonly details: Record<string, string | boolean>;
}

/** Who asked, for the event log. */
export type Actor = { readonly trigger: EventTrigger; readonly requestId?: string };

/** The kids a rotation moved, or why it did not run (`signsFrom`: when `next` may sign). */
export type RotationOutcome = Result<
  { retired: string; active: string; next: string; forced: boolean },
  { code: "too_early"; signsFrom: number } | { code: "not_due" | "not_ready" }
>;

export type RevocationOutcome = Result<
  { revoked: string; state: KeyState; promoted?: string; next?: string },
  "not_found" | "not_ready"
>;

const KEYS = "keys";

/**
 * The one signing key store (docs/operations.md#signing-keys): each change is one synchronous
 * read-and-write, so two overlapping rotations make one. `now` is an argument so tests drive a key's life.
 */
export class SigningKeyStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, kid TEXT NOT NULL,
        trigger TEXT NOT NULL, request_id TEXT, details TEXT NOT NULL)`,
    );
  }

  /** Every key, after removing the retired keys whose time has come. */
  async read(now: number): Promise<StoredKey[]> {
    await this.sweep(now);
    return this.#keys();
  }

  /**
   * Fills an empty store (the first caller wins): `keys[0]` active at once (an imported key already signs
   * today; a first generated key has no verifier to wait for), the rest retired, `next` published.
   */
  async initialize(input: { keys: SealedMaterial[]; next: SealedMaterial } & Actor, now: number) {
    if (this.#keys().length > 0) return this.#keys();
    const [first, ...rest] = input.keys;
    if (!first) throw new Error("initialize needs a key");
    const keys: StoredKey[] = [
      { ...first, state: "active", createdAt: now, activatedAt: now },
      { ...input.next, state: "next", createdAt: now },
      ...rest.map((key) => retire({ ...key, state: "active", createdAt: now }, now)),
    ];
    for (const key of keys) this.#event(input, now, key.origin, key.kid, { state: key.state });
    await this.#save(keys);
    return keys;
  }

  /**
   * docs/operations.md#rotate-now: unless forced, refused while `next` is younger than
   * PUBLISH_BEFORE_SIGNING_MS; with `dueEveryMs` (the schedule) only when the active key is that old, so a
   * second run finds nothing to do.
   */
  async rotate(
    input: { next: SealedMaterial; force: boolean; dueEveryMs?: number } & Actor,
    now: number,
  ): Promise<RotationOutcome> {
    const keys = this.#keys();
    const active = keys.find((key) => key.state === "active");
    const next = keys.find((key) => key.state === "next");
    if (!active || !next) return fail({ code: "not_ready" });
    if (notYetDue(active, now, input.dueEveryMs)) return fail({ code: "not_due" });
    const signsFrom = next.createdAt + PUBLISH_BEFORE_SIGNING_MS;
    if (now < signsFrom && !input.force) return fail({ code: "too_early", signsFrom });
    const forced = now < signsFrom;
    this.#event(input, now, "rotated", next.kid, { retired: active.kid, next: input.next.kid, forced });
    await this.#save([
      ...keys.map((key) => (key === active ? retire(key, now) : key === next ? activate(key, now) : key)),
      { ...input.next, state: "next", createdAt: now },
    ]);
    return ok({ retired: active.kid, active: next.kid, next: input.next.kid, forced });
  }

  /**
   * docs/operations.md#revoke (compromise): revoking the active key promotes `next` at once, before its
   * publication time; the store always keeps one active and one next key.
   */
  async revoke(
    input: { kid: string; next: SealedMaterial } & Actor,
    now: number,
  ): Promise<RevocationOutcome> {
    const keys = this.#keys();
    const target = keys.find((key) => key.kid === input.kid);
    if (!target) return fail("not_found");
    const next = keys.find((key) => key.state === "next");
    if (target.state === "active" && !next) return fail("not_ready");
    const promoted = target.state === "active" ? next!.kid : undefined;
    const published = target.state === "retired" ? undefined : input.next.kid;
    const kept = keys
      .filter((key) => key !== target)
      .map((key) => (promoted && key === next ? activate(key, now) : key));
    if (published) kept.push({ ...input.next, state: "next", createdAt: now });
    this.#event(input, now, "revoked", target.kid, {
      state: target.state,
      ...(promoted ? { promoted, forced: true } : {}),
      ...(published ? { next: published } : {}),
    });
    await this.#save(kept);
    return ok({ revoked: target.kid, state: target.state, promoted, next: published });
  }

  /** docs/operations.md#import: replaces `next`, which never signed, so it simply goes. */
  async replaceNext(
    input: { next: SealedMaterial } & Actor,
    now: number,
  ): Promise<StoredKey[] | "kid_taken"> {
    const keys = this.#keys();
    if (keys.some((key) => key.kid === input.next.kid)) return "kid_taken";
    const kept = keys.filter((key) => key.state !== "next");
    const replaced = keys.find((key) => key.state === "next")?.kid;
    kept.push({ ...input.next, state: "next", createdAt: now });
    this.#event(input, now, "imported", input.next.kid, { state: "next", ...(replaced ? { replaced } : {}) });
    await this.#save(kept);
    return kept;
  }

  /**
   * Restores one active and one next key after a fault (docs/operations.md#key-states): `next` is promoted,
   * `input.active` used only when there is neither; extra active or next keys are retired.
   */
  async repair(input: { active: SealedMaterial; next: SealedMaterial } & Actor, now: number) {
    let keys = this.#keys();
    const byNewest = (a: StoredKey, b: StoredKey) =>
      (b.activatedAt ?? b.createdAt) - (a.activatedAt ?? a.createdAt);
    const [active, ...extraActive] = keys.filter((key) => key.state === "active").sort(byNewest);
    const [next, ...extraNext] = keys.filter((key) => key.state === "next").sort(byNewest);
    const extra = new Set([...extraActive, ...extraNext]);
    const promote = active ? undefined : next;
    keys = keys.map((key) =>
      extra.has(key) ? retire(key, now) : key === promote ? activate(key, now) : key,
    );
    const changes: Record<string, string> = {};
    if (promote) changes.promoted = promote.kid;
    else if (!active) {
      keys.push({ ...input.active, state: "active", createdAt: now, activatedAt: now });
      changes.active = input.active.kid;
    }
    if (!active || !next) {
      keys.push({ ...input.next, state: "next", createdAt: now });
      changes.next = input.next.kid;
    }
    if (Object.keys(changes).length === 0 && extra.size === 0) return keys;
    const subject = keys.find((key) => key.state === "active")!;
    this.#event(input, now, "repaired", subject.kid, {
      ...changes,
      ...(extra.size > 0 ? { retiredExtra: [...extra].map((key) => key.kid).join(",") } : {}),
    });
    await this.#save(keys);
    return keys;
  }

  /** Removes retired keys whose tokens have all expired; reschedules the alarm for the rest. */
  async sweep(now: number): Promise<string[]> {
    const keys = this.#keys();
    const due = keys.filter((key) => key.state === "retired" && (key.removeAt ?? 0) <= now);
    if (due.length > 0) {
      const kept = keys.filter((key) => !due.includes(key));
      for (const key of due) this.#event({ trigger: "alarm" }, now, "removed", key.kid, { state: "retired" });
      await this.#save(kept);
    }
    return due.map((key) => key.kid);
  }

  override async alarm(): Promise<void> {
    await this.sweep(Date.now());
  }

  /** The event log, newest first, `limit` at a time; `before` is the id where the last page ended. */
  events(limit: number, before?: number): { events: KeyEvent[]; next: string | null } {
    const rows = this.ctx.storage.sql
      .exec<Omit<KeyEvent, "id" | "details"> & { id: number; details: string }>(
        `SELECT id, at, type, kid, trigger, request_id AS requestId, details FROM events
         WHERE id < ? ORDER BY id DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const page = rows
      .slice(0, limit)
      .map(({ id, details, ...row }) => ({ id: String(id), ...row, details: JSON.parse(details) }));
    return { events: page, next: rows.length > limit ? page.at(-1)!.id : null };
  }

  #keys(): StoredKey[] {
    return this.ctx.storage.kv.get<StoredKey[]>(KEYS) ?? [];
  }

  #event(actor: Actor, now: number, type: KeyEventType, kid: string, details: KeyEvent["details"]): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO events (at, type, kid, trigger, request_id, details) VALUES (?, ?, ?, ?, ?, ?)",
      now,
      type,
      kid,
      actor.trigger,
      actor.requestId ?? null,
      JSON.stringify(details),
    );
  }

  /** Stores the keys and sets the alarm to the first retired key's removal. */
  // Callers write their event first and await nothing before this `put`: the event and the keys then
  // commit together (one synchronous turn of the object).
  async #save(keys: StoredKey[]): Promise<void> {
    this.ctx.storage.kv.put(KEYS, keys);
    const times = keys.flatMap((key) => (key.state === "retired" && key.removeAt ? [key.removeAt] : []));
    if (times.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.min(...times));
  }
}

/** The schedule's test: the active key is not yet `dueEveryMs` old. */
export function notYetDue(active: StoredKey, now: number, dueEveryMs: number | undefined): boolean {
  return dueEveryMs !== undefined && now < (active.activatedAt ?? active.createdAt) + dueEveryMs;
}

function activate(key: StoredKey, now: number): StoredKey {
  return { ...key, state: "active", activatedAt: now };
}

function retire(key: StoredKey, now: number): StoredKey {
  return { ...key, state: "retired", retiredAt: now, removeAt: now + RETIRED_KEY_RETENTION_MS };
}

export function signingKeyStore(env: Env) {
  return env.SIGNING_KEY_STORE.getByName("signing-keys");
}
