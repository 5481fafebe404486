import { DurableObject } from "cloudflare:workers";
import { portalUserObject } from "../portal/sessions";
import {
  APPS,
  MERCHANT_KEYS,
  MERCHANTS,
  type MerchantKeyRecord,
  merchantKeyRecordId,
  ORGS,
  PORTAL_USERS,
} from "../shared/config-records";
import { ConfigStore, type RecordKind } from "../shared/config-store";
import { newIncarnation } from "../shared/crypto";
import { fail, ok, type Result } from "../shared/result";
import type { TenantEventInput, TenantKind } from "../shared/tenants";
import { customerObject } from "../upi/customer";
import {
  type Applied,
  applyChange,
  type ChangeOutcome,
  type Precondition,
  type TenantChange,
  type TenantRecord,
  type TenantSnapshot,
} from "./tenant-changes";
import { type EventPage, TenantEventLog } from "./tenant-events";

// The copies still owed to KV, published after each commit (docs/storage.md#tenant-objects).
interface Pending {
  record: boolean;
  /** Merchant key ids whose copies must be written (or deleted). */
  keys: string[];
  /** A portal user's tokens must end: the commit that asked for it, by version. */
  resetCredentialsAt?: number;
}

interface TenantState {
  readonly kind: TenantKind;
  readonly id: string;
  /** Counts committed changes over every incarnation of the id: with the incarnation, the ETag. */
  version: number;
  /** Present while the tenant exists, a new one per creation (docs/storage.md#incarnations). */
  incarnation: string | null;
  record: TenantRecord | null;
  keys: Record<string, MerchantKeyRecord>;
  /** An org's users: email → when it was added. */
  members: Record<string, number>;
  pending: Pending;
}

const STATE = "state";
const RETRY_MS = 10_000;
/** Pause between two purge steps of one tenant: background work, not in a hurry. */
const PURGE_STEP_MS = 10_000;
const DAY_MS = 24 * 3600 * 1000;
/** Customer objects purged per alarm: bounded work, the rest on the next alarm. */
export const PURGE_BATCH = 10;

const COPIES: Readonly<Record<TenantKind, RecordKind<unknown>>> = {
  app: APPS,
  merchant: MERCHANTS,
  org: ORGS,
  "portal-user": PORTAL_USERS,
};

const etagOf = (state: TenantState) => `"${state.incarnation}-${state.version}"`;
const isPending = (p: Pending) => p.record || p.keys.length > 0 || p.resetCredentialsAt !== undefined;

// One tenant id's only writer and source of truth, its KV copies' publisher, event log and purge
// (docs/storage.md#tenant-objects): no change reads a copy and writes it back, so none is lost; each is a
// check-and-set on the synchronous storage API (no await between read and write), published after commit.
export class Tenant extends DurableObject<Env> {
  #flushing: Promise<void> | undefined;
  readonly #log = new TenantEventLog(this.ctx.storage.sql);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS customers (incarnation TEXT NOT NULL, customer_id TEXT NOT NULL, PRIMARY KEY (incarnation, customer_id))",
    );
  }

  /** Creates the tenant with a new incarnation; `exists` while one is live (docs/admin.md#ids: 409). */
  async create(
    kind: TenantKind,
    id: string,
    record: TenantRecord,
    requestId: string,
    now: number,
  ): Promise<Result<TenantSnapshot, "exists" | "not_published">> {
    await this.#flush().catch(() => undefined);
    const previous = this.#state();
    if (previous?.incarnation) return fail("exists");
    const incarnation = newIncarnation();
    const state: TenantState = {
      kind,
      id,
      version: (previous?.version ?? 0) + 1,
      incarnation,
      // Hot paths name CPR/UPI objects and token claims with it, from the copy (docs/storage.md#incarnations).
      record: { ...record, ...(kind === "app" || kind === "merchant" ? { incarnation } : {}) },
      keys: {},
      members: {},
      pending: { record: true, keys: [] },
    };
    if (kind === "portal-user") state.pending.resetCredentialsAt = state.version;
    if (!(await this.#commit(state, { type: "created", requestId }, now))) return fail("not_published");
    return ok(this.#snapshot(this.#state()!)!);
  }

  /** The current tenant, its copies repaired first; `undefined` when it does not exist. */
  async read(): Promise<Result<TenantSnapshot | undefined, "not_published">> {
    if (!(await this.#publish(Date.now()))) return fail("not_published");
    const state = this.#state();
    return ok(state ? this.#snapshot(state) : undefined);
  }

  /** Applies one change to the latest version if `precondition` holds (docs/admin.md#versions). */
  async change(
    change: TenantChange,
    precondition: Precondition,
    requestId: string,
    now: number,
  ): Promise<ChangeOutcome> {
    await this.#flush().catch(() => undefined);
    const state = this.#state();
    // RFC 9110 §13.2.1: a request that would fail without its preconditions fails the same with them.
    if (!state?.incarnation || !state.record) return fail({ code: "not_found" });
    if (precondition.kind === "tags" && !precondition.tags.includes(etagOf(state))) {
      return fail({ code: "precondition_failed" });
    }
    const applied = applyChange(
      state.kind,
      { record: state.record, keys: state.keys, members: state.members },
      change,
      now,
      state.incarnation,
    );
    if (applied === undefined) return ok({ snapshot: this.#snapshot(state) ?? null, changed: false });
    if ("code" in applied) return fail(applied);
    const committed = this.#commit(this.#next(state, applied), { ...applied.event, requestId }, now);
    if (!(await committed)) return fail({ code: "not_published" });
    if (change.op === "unlock") await portalUserObject(this.env, state.id).unlock();
    const after = this.#state()!;
    return ok({ snapshot: this.#snapshot(after) ?? null, changed: true, replaced: applied.replaced });
  }

  /** Appends a security event (revocation, lockout): the log belongs to the id, live or not. */
  async recordEvent(event: TenantEventInput, now: number): Promise<void> {
    this.#log.append(event, now);
    await this.#schedule(now + DAY_MS);
  }

  /** A page of the id's log, newest first, and the tenant's ETag while it exists. */
  events(limit: number, before: number | undefined): EventPage & { etag: string | null } {
    const state = this.#state();
    return { ...this.#log.page(limit, before), etag: state?.incarnation ? etagOf(state) : null };
  }

  // Notes a customer of the live merchant, for its deletion to purge (docs/storage.md#purge); `not_found`
  // when none is live or it is not `expected` (the caller authenticated by an ended copy).
  registerCustomer(customerId: string, expected?: string): Result<string, "not_found"> {
    const state = this.#state();
    if (!state?.incarnation || state.kind !== "merchant") return fail("not_found");
    if (expected !== undefined && expected !== state.incarnation) return fail("not_found");
    this.ctx.storage.sql.exec(
      "INSERT OR IGNORE INTO customers (incarnation, customer_id) VALUES (?, ?)",
      state.incarnation,
      customerId,
    );
    return ok(state.incarnation);
  }

  // Re-hashes a password verified under older parameters (docs/portal.md#passwords), unless the hash
  // changed meanwhile (an admin's new password wins). Not a new version.
  async upgradePasswordHash(from: string, to: string): Promise<void> {
    const state = this.#state();
    if (state?.kind !== "portal-user" || state.record?.passwordHash !== from) return;
    state.record = { ...state.record, passwordHash: to };
    state.pending.record = true;
    this.ctx.storage.kv.put(STATE, state);
    await this.#publish(Date.now());
  }

  /** Repairs unpublished copies, purges ended incarnations' customers in steps, prunes the log. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    // Set before the work: an interrupted run (exception, eviction) runs again and resumes.
    await this.ctx.storage.setAlarm(now + RETRY_MS);
    const published = await this.#publish(now);
    const purging = await this.#purgeStep();
    this.#log.prune(now);
    if (!published) await this.ctx.storage.setAlarm(now + RETRY_MS);
    else if (purging) await this.ctx.storage.setAlarm(now + PURGE_STEP_MS);
    else if (this.#log.hasEvents()) await this.ctx.storage.setAlarm(now + DAY_MS);
    else await this.ctx.storage.deleteAlarm();
  }

  #state(): TenantState | undefined {
    return this.ctx.storage.kv.get<TenantState>(STATE);
  }

  #next(state: TenantState, applied: Applied): TenantState {
    return {
      ...state,
      version: state.version + 1,
      // A delete ends the incarnation: the tombstone keeps the id's version and log, nothing else.
      incarnation: applied.record === null ? null : state.incarnation,
      record: applied.record === undefined ? state.record : applied.record,
      keys: applied.keys ?? state.keys,
      members: applied.members ?? state.members,
      pending: {
        record: true,
        keys: [...new Set([...state.pending.keys, ...(applied.touchedKeys ?? [])])],
        resetCredentialsAt: applied.resetCredentials ? state.version + 1 : state.pending.resetCredentialsAt,
      },
    };
  }

  // Writes the state and its event in one implicit transaction (no await between), then publishes; the
  // alarm, set first, finishes the job should the object be evicted mid-publish.
  async #commit(state: TenantState, event: TenantEventInput, now: number): Promise<boolean> {
    this.ctx.storage.kv.put(STATE, state);
    this.#log.append(event, now);
    await this.#schedule(now + RETRY_MS);
    return this.#publish(now);
  }

  #snapshot(state: TenantState): TenantSnapshot | undefined {
    if (!state.incarnation || !state.record) return undefined;
    return {
      kind: state.kind,
      record: state.record,
      keys: Object.values(state.keys).sort((a, b) => a.merchantKeyId.localeCompare(b.merchantKeyId)),
      members: Object.keys(state.members).sort(),
      incarnation: state.incarnation,
      etag: etagOf(state),
    };
  }

  /** Publishes every pending copy; false (and a retry alarm) when KV or the user's object failed. */
  #publish(now: number): Promise<boolean> {
    return this.#flush().then(
      () => true,
      () => this.#schedule(now + RETRY_MS).then(() => false),
    );
  }

  /** One flush at a time; loops until nothing is pending (a change may commit while one runs). */
  async #flush(): Promise<void> {
    for (;;) {
      const state = this.#state();
      if (!state || !isPending(state.pending)) return;
      this.#flushing ??= this.#flushOnce(state).finally(() => {
        this.#flushing = undefined;
      });
      await this.#flushing;
    }
  }

  async #flushOnce(seen: TenantState): Promise<void> {
    const resetAt = seen.pending.resetCredentialsAt;
    if (resetAt !== undefined) {
      // Tokens end before the new record is published, so neither order of arrival fails open.
      const credentialVersion = await portalUserObject(this.env, seen.id).resetCredentials();
      const state = this.#state()!;
      if (state.record) state.record = { ...state.record, credentialVersion };
      if (state.pending.resetCredentialsAt === resetAt) delete state.pending.resetCredentialsAt;
      this.ctx.storage.kv.put(STATE, state);
    }
    const state = this.#state()!;
    const store = new ConfigStore(this.env.CONFIG);
    const writes: Promise<void>[] = [];
    const copy = COPIES[state.kind];
    const record = state.incarnation ? state.record : null;
    if (state.pending.record) {
      writes.push(record ? store.put(copy, state.id, record) : store.delete(copy, state.id));
    }
    for (const keyId of state.pending.keys) {
      const key = state.incarnation ? state.keys[keyId] : undefined;
      const id = merchantKeyRecordId(state.id, keyId);
      writes.push(key ? store.put(MERCHANT_KEYS, id, key) : store.delete(MERCHANT_KEYS, id));
    }
    await Promise.all(writes);
    const after = this.#state()!;
    // Cleared only when nothing committed meanwhile; otherwise the loop publishes the newer state.
    if (after.version === state.version && after.incarnation === state.incarnation) {
      after.pending = { record: false, keys: [], resetCredentialsAt: after.pending.resetCredentialsAt };
      this.ctx.storage.kv.put(STATE, after);
    }
  }

  // Purges up to PURGE_BATCH customers of ended incarnations (true when more remain): named with an ended
  // incarnation they are unreachable already, and erased here in the background (docs/storage.md#purge).
  async #purgeStep(): Promise<boolean> {
    const state = this.#state();
    if (state?.kind !== "merchant") return false;
    const rows = this.ctx.storage.sql
      .exec<{ incarnation: string; customer_id: string }>(
        "SELECT incarnation, customer_id FROM customers WHERE incarnation != ? LIMIT ?",
        state.incarnation ?? "",
        PURGE_BATCH + 1,
      )
      .toArray();
    for (const row of rows.slice(0, PURGE_BATCH)) {
      // One at a time, each row dropped once its object is empty: an interrupted alarm resumes (idempotent).
      await customerObject(this.env, state.id, row.incarnation, row.customer_id).purge();
      this.ctx.storage.sql.exec(
        "DELETE FROM customers WHERE incarnation = ? AND customer_id = ?",
        row.incarnation,
        row.customer_id,
      );
    }
    return rows.length > PURGE_BATCH;
  }

  /** Sets the alarm to `at` unless one is due sooner. */
  async #schedule(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}
