import { DurableObject } from "cloudflare:workers";
import { incarnationObjectName } from "../shared/incarnation";
import { fail, ok, type Result } from "../shared/result";
import type { SignatureUse } from "./signature-replay";

/** What one CPR transaction remembers (docs/cpr.md#transaction-state). Times are Unix milliseconds. */
export interface TransactionState {
  readonly journeyId: string;
  readonly workflowId: string;
  readonly uniqueId?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
  /** Tokens carry the epoch they were issued in (`rev`); only tokens of the current epoch are live. */
  readonly revocationEpoch: number;
}

interface OpenRequest {
  readonly workflowId: string;
  /** Set when this request gives an identifier (docs/cpr.md#unique-id). */
  readonly uniqueId?: string;
  readonly stateTtlSeconds: number;
  readonly now: number;
  /** The signed request to redeem, when the app signs (docs/cpr.md#single-use). */
  readonly signature?: SignatureUse;
}

/** How the request found the state (`found`) is for the log line. */
type Opened = Result<
  { state: TransactionState; found: "none" | "live" | "expired"; journeyRestarted: boolean },
  "unique_id_conflict" | "signature_replayed"
>;

/**
 * Longer than the longest token (`expiry` ≤ 86400 s), so every unexpired token finds its revocation epoch (a
 * test pins the relation; docs/cpr.md#transaction-state).
 */
export const STATE_RETENTION_MS = 7 * 24 * 3600 * 1000;

const STATE_KEY = "state";
/** `signature:<digest>` → the end of its window (ms): signed requests this transaction accepted. */
const SIGNATURE_PREFIX = "signature:";
// The sweep lists every signature, so it runs at most this often. One past its window does no harm while it
// waits: its request already fails the timestamp window (docs/cpr.md#single-use).
const SIGNATURE_SWEEP_INTERVAL_MS = 60_000;

export class CprTransaction extends DurableObject<Env> {
  /** When this instance last swept closed signatures (in memory: a fresh instance sweeps at once). */
  #signaturesSweptAt = Number.NEGATIVE_INFINITY;

  /**
   * Creates or continues the transaction and redeems the signature in one check-and-set on synchronous
   * storage, so concurrent requests are serialised (docs/cpr.md#unique-id, docs/cpr.md#single-use). Both
   * refusals come before any write or await: exactly one identifier and one use of a signed request win,
   * and a refused request changes nothing.
   */
  async open(request: OpenRequest): Promise<Opened> {
    const storage = this.ctx.storage;
    const { signature } = request;
    const signatureKey = signature && `${SIGNATURE_PREFIX}${signature.digest}`;
    if (signatureKey !== undefined && storage.kv.get<number>(signatureKey) !== undefined) {
      return fail("signature_replayed");
    }
    const existing = storage.kv.get<TransactionState>(STATE_KEY);
    if (request.uniqueId && existing?.uniqueId && existing.uniqueId !== request.uniqueId) {
      return fail("unique_id_conflict");
    }
    if (signature && signatureKey !== undefined) {
      this.#forgetClosedSignatures(request.now);
      storage.kv.put(signatureKey, signature.keepUntil);
    }
    // docs/cpr.md#transaction-state: another workflowId restarts the journey; the person (uniqueId) stays.
    const sameJourney = existing !== undefined && existing.workflowId === request.workflowId;
    const uniqueId = request.uniqueId ?? existing?.uniqueId;
    const state: TransactionState = {
      journeyId: sameJourney ? existing.journeyId : crypto.randomUUID(),
      workflowId: request.workflowId,
      ...(uniqueId === undefined ? {} : { uniqueId }),
      createdAt: existing?.createdAt ?? request.now,
      updatedAt: request.now,
      // An expired state is continued: its expiry is renewed, like a live one's (seed 002 flowchart).
      expiresAt: request.now + request.stateTtlSeconds * 1000,
      revocationEpoch: existing?.revocationEpoch ?? 0,
    };
    storage.kv.put(STATE_KEY, state);
    // The pending alarm is never later than the previous expiry's purge time and `alarm()` moves itself on to
    // a renewed expiry, so only an earlier purge time needs a new alarm (docs/architecture.md#performance).
    if (!existing || state.expiresAt < existing.expiresAt) {
      await storage.setAlarm(state.expiresAt + STATE_RETENTION_MS);
    }
    return ok({
      state,
      found: existing === undefined ? "none" : existing.expiresAt <= request.now ? "expired" : "live",
      journeyRestarted: existing !== undefined && !sameJourney,
    });
  }

  revocationEpoch(): number | undefined {
    return this.ctx.storage.kv.get<TransactionState>(STATE_KEY)?.revocationEpoch;
  }

  /**
   * Ends every token issued so far (docs/tokens.md#revocation); with `ifEpoch`, only while the epoch is that
   * one, so revoking a token twice never ends the tokens issued after the first revocation.
   */
  revoke(now: number, ifEpoch?: number): Result<{ revocationEpoch: number }, "no_transaction"> {
    const storage = this.ctx.storage;
    const existing = storage.kv.get<TransactionState>(STATE_KEY);
    if (!existing) return fail("no_transaction");
    if (ifEpoch !== undefined && existing.revocationEpoch !== ifEpoch) {
      return ok({ revocationEpoch: existing.revocationEpoch });
    }
    const revocationEpoch = existing.revocationEpoch + 1;
    storage.kv.put(STATE_KEY, { ...existing, revocationEpoch, updatedAt: now });
    return ok({ revocationEpoch });
  }

  /** Drops the signatures whose window has closed: the timestamp check refuses them before they get here. */
  #forgetClosedSignatures(now: number): void {
    if (now - this.#signaturesSweptAt < SIGNATURE_SWEEP_INTERVAL_MS) return;
    this.#signaturesSweptAt = now;
    const kv = this.ctx.storage.kv;
    for (const [key, keepUntil] of [...kv.list<number>({ prefix: SIGNATURE_PREFIX })]) {
      if (keepUntil < now) kv.delete(key);
    }
  }

  /** Purges the state a retention period after it expired (docs/cpr.md#transaction-state). */
  override async alarm(): Promise<void> {
    const storage = this.ctx.storage;
    const state = storage.kv.get<TransactionState>(STATE_KEY);
    if (!state) return;
    const purgeAt = state.expiresAt + STATE_RETENTION_MS;
    if (Date.now() >= purgeAt) await storage.deleteAll();
    else await storage.setAlarm(purgeAt);
  }
}

/** The object of (appId, the app's incarnation, transactionId): docs/storage.md#incarnations. */
export function transactionStub(env: Env, appId: string, incarnation: string, transactionId: string) {
  return env.CPR_TRANSACTIONS.getByName(
    incarnationObjectName("cpr-transaction", appId, incarnation, transactionId),
  );
}
