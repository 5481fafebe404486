import { DurableObject } from "cloudflare:workers";
import { incarnationObjectName } from "../shared/incarnation";
import { fail, ok, type Result } from "../shared/result";
import {
  type CustomerProfile,
  type CustomerProfileChanges,
  type CustomerRef,
  type CustomerView,
  type DeviceBinding,
  viewCustomer,
} from "./customer-state";
import type { ProcessReason } from "./errors";
import type { VpaAccounts } from "./schema";
import { issueSessionToken } from "./session-token";

/** What the process route asks for: whose session, under which merchant prefix, for which number. */
interface SessionRequest extends CustomerRef {
  readonly prefix: string;
  /** Canonical, from the signed payload. */
  readonly askedMobile?: string;
  readonly now: number;
}

/** The seed's success payload fields (without `action` and `otherInfo`, which the route echoes). */
export type SessionAnswer = CustomerView & {
  readonly prefix: string;
  readonly sessionToken: string;
  readonly sessionTokenExpiry: string;
};

type ClientTokenRejection = Extract<ProcessReason, { code: `client_token_${string}` | "ip_not_allowed" }>;

interface ClientTokenRecord {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly usesLeft: number;
}

interface Redemption {
  readonly requestId: string;
  readonly keepUntil: number;
  readonly answer?: SessionAnswer;
}

/** What every session answer reads besides the redemption or token: see `UpiCustomer.answerState`. */
interface AnswerState {
  readonly device: DeviceBinding | undefined;
  readonly vpaAccounts: VpaAccounts;
  readonly sessionEpoch: number;
}

const PROFILE = "profile";
const DEVICE = "device";
const VPA_ACCOUNTS = "vpa-accounts";
const SESSION_EPOCH = "session-epoch";
const CLIENT_TOKEN = "client-token:";
const REDEMPTION = "redemption:";
/** `revoked-session:<jti>` → the token's expiry (ms) (docs/upi.md#session-revocation). */
const REVOKED_SESSION = "revoked-session:";
/** The records that expire, by key prefix, and when (ms). */
const EXPIRY_OF: Record<string, (value: never) => number> = {
  [REDEMPTION]: (redemption: Redemption) => redemption.keepUntil,
  [CLIENT_TOKEN]: (token: ClientTokenRecord) => token.expiresAt,
  [REVOKED_SESSION]: (expiresAt: number) => expiresAt,
};
/**
 * The sweep lists every such record, so not per request (docs/architecture.md#performance). An entry past
 * its time does no harm while it waits: its payload already fails the timestamp window.
 */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * One UPI customer of one merchant (docs/upi.md#customer-api). Every check-and-set below runs on the
 * synchronous storage API, so no other request interleaves.
 */
export class UpiCustomer extends DurableObject<Env> {
  /** Answers being signed right now, so a parallel retry of the same request waits for the same answer. */
  private readonly signing = new Map<string, Promise<SessionAnswer>>();
  /** A fresh instance sweeps on its first write. */
  private sweptAt = Number.NEGATIVE_INFINITY;
  /** An alarm will sweep what this instance wrote (checked once per instance). */
  private cleanupScheduled = false;
  /**
   * What every answer reads (bench/README.md). Only this object writes those keys, and each method that
   * writes one drops the copy, so it never differs from storage.
   */
  private answerStateCopy: AnswerState | undefined;

  createProfile(profile: CustomerProfile): Result<CustomerProfile, "customer_exists"> {
    const kv = this.ctx.storage.kv;
    if (kv.get(PROFILE)) return fail("customer_exists");
    kv.put(PROFILE, profile);
    return ok(profile);
  }

  profile(): CustomerProfile | undefined {
    return this.ctx.storage.kv.get<CustomerProfile>(PROFILE);
  }

  /** `expectedId`: a customer named by its `cst_` id is found only while that is its id (docs/upi.md#customer-api). */
  updateProfile(
    changes: CustomerProfileChanges,
    lastUpdated: string,
    expectedId?: string,
  ): Result<CustomerProfile, "customer_not_found"> {
    const kv = this.ctx.storage.kv;
    const stored = kv.get<CustomerProfile>(PROFILE);
    if (!stored || (expectedId !== undefined && stored.id !== expectedId)) return fail("customer_not_found");
    const updated: CustomerProfile = { ...stored, ...changes, last_updated: lastUpdated };
    kv.put(PROFILE, updated);
    return ok(updated);
  }

  addClientAuthToken(
    tokenHash: string,
    record: ClientTokenRecord,
  ): Result<CustomerProfile, "customer_not_found"> {
    const profile = this.profile();
    if (!profile) return fail("customer_not_found");
    this.sweep(record.issuedAt);
    this.ctx.storage.kv.put(`${CLIENT_TOKEN}${tokenHash}`, record);
    return ok(profile);
  }

  /** A verified signed payload is redeemed once; its requestId again gets the same answer (docs/upi.md#replay). */
  async sessionForSignedPayload(
    payloadHash: string,
    requestId: string,
    keepUntil: number,
    request: SessionRequest,
  ): Promise<Result<SessionAnswer, { code: "duplicate_request" }>> {
    const key = `${REDEMPTION}${payloadHash}`;
    const kv = this.ctx.storage.kv;
    const earlier = kv.get<Redemption>(key);
    if (earlier) {
      if (earlier.requestId !== requestId) return fail({ code: "duplicate_request" });
      if (earlier.answer) return ok(earlier.answer);
      const inFlight = this.signing.get(payloadHash);
      if (inFlight) return ok(await inFlight);
      // Reserved by an attempt that failed before answering: the same requestId may finish the job.
    }
    this.sweep(request.now);
    kv.put(key, { requestId, keepUntil } satisfies Redemption);
    // Before the answer can fail, so a failed attempt's reservation is swept too; only storage is
    // awaited, so the input gate keeps other requests out until the answer is in flight.
    await this.scheduleCleanup(keepUntil);
    const answering = this.answer(request);
    this.signing.set(payloadHash, answering);
    try {
      const answer = await answering;
      kv.put(key, { requestId, keepUntil, answer } satisfies Redemption);
      return ok(answer);
    } finally {
      this.signing.delete(payloadHash);
    }
  }

  /**
   * Uses the token once; a refused origin counts only after the token checked out, and uses nothing up
   * (docs/upi.md#uniform-failures).
   */
  async sessionForClientToken(
    tokenHash: string,
    request: SessionRequest,
    originAllowed: boolean,
  ): Promise<Result<SessionAnswer, ClientTokenRejection>> {
    const key = `${CLIENT_TOKEN}${tokenHash}`;
    const record = this.ctx.storage.kv.get<ClientTokenRecord>(key);
    if (!record) return fail({ code: "client_token_unknown" });
    if (record.expiresAt <= request.now) return fail({ code: "client_token_expired" });
    if (record.usesLeft <= 0) return fail({ code: "client_token_used_up" });
    if (!originAllowed) return fail({ code: "ip_not_allowed" });
    this.ctx.storage.kv.put(key, { ...record, usesLeft: record.usesLeft - 1 } satisfies ClientTokenRecord);
    return ok(await this.answer(request));
  }

  /** A live client auth token's times, without using it (introspection, docs/tokens.md#introspection). */
  clientTokenStatus(tokenHash: string, now: number): { issuedAt: number; expiresAt: number } | undefined {
    const record = this.ctx.storage.kv.get<ClientTokenRecord>(`${CLIENT_TOKEN}${tokenHash}`);
    if (!record || record.expiresAt <= now || record.usesLeft <= 0) return undefined;
    return { issuedAt: record.issuedAt, expiresAt: record.expiresAt };
  }

  revokeClientToken(tokenHash: string): void {
    this.ctx.storage.kv.delete(`${CLIENT_TOKEN}${tokenHash}`);
  }

  sessionEpoch(): number {
    return this.answerState().sessionEpoch;
  }

  /** Issued in the current epoch and not revoked on its own (docs/upi.md#session-revocation). */
  sessionLive(epoch: number, sessionId: string): boolean {
    const kv = this.ctx.storage.kv;
    return this.sessionEpoch() === epoch && kv.get(`${REVOKED_SESSION}${sessionId}`) === undefined;
  }

  /** Ends one session until its token expires (`/oauth/revoke`, docs/upi.md#session-revocation). */
  async revokeSession(sessionId: string, expiresAt: number, now: number): Promise<void> {
    this.sweep(now);
    this.ctx.storage.kv.put(`${REVOKED_SESSION}${sessionId}`, expiresAt);
    await this.scheduleCleanup(expiresAt);
  }

  /** Ends every session so far (docs/upi.md#session-revocation); the one-by-one revocations are subsumed. */
  revokeAllSessions(): number {
    const kv = this.ctx.storage.kv;
    const epoch = this.sessionEpoch() + 1;
    kv.put(SESSION_EPOCH, epoch);
    this.answerStateCopy = undefined;
    for (const [key] of [...kv.list({ prefix: REVOKED_SESSION })]) kv.delete(key);
    return epoch;
  }

  snapshot() {
    const { device, vpaAccounts, sessionEpoch } = this.answerState();
    return { profile: this.profile() ?? null, device: device ?? null, vpaAccounts, sessionEpoch };
  }

  bindDevice(binding: DeviceBinding) {
    this.ctx.storage.kv.put(DEVICE, binding);
    this.answerStateCopy = undefined;
    return this.snapshot();
  }

  /** Unbinding also unlinks: accounts belong to the bound device's registration. */
  unbindDevice(): boolean {
    const kv = this.ctx.storage.kv;
    this.answerStateCopy = undefined;
    kv.delete(VPA_ACCOUNTS);
    return kv.delete(DEVICE);
  }

  setVpaAccounts(vpaAccounts: VpaAccounts) {
    this.ctx.storage.kv.put(VPA_ACCOUNTS, vpaAccounts);
    this.answerStateCopy = undefined;
    return this.snapshot();
  }

  /** Its merchant's incarnation ended (docs/storage.md#incarnations). Idempotent. */
  async purge(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.cleanupScheduled = false;
    this.answerStateCopy = undefined;
  }

  /**
   * Sweeps what expired and erases the object when nothing is left: a customer only signature mode or a
   * revocation met is known to no merchant object (registering it would add a hop to `process`), so this
   * is what purges it (docs/storage.md#purge).
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.sweptAt = Number.NEGATIVE_INFINITY;
    this.sweep(now);
    let next = Number.POSITIVE_INFINITY;
    for (const [, at] of this.expiring()) next = Math.min(next, at);
    if (Number.isFinite(next)) {
      // Swept strictly after its time (`sweep` keeps what expires at `now`).
      await this.ctx.storage.setAlarm(Math.max(next, now) + 1);
      return;
    }
    this.cleanupScheduled = false;
    if ([...this.ctx.storage.kv.list({ limit: 1 })].length === 0) {
      await this.ctx.storage.deleteAll();
      this.answerStateCopy = undefined;
    }
  }

  private answerState(): AnswerState {
    if (!this.answerStateCopy) {
      const kv = this.ctx.storage.kv;
      this.answerStateCopy = {
        device: kv.get<DeviceBinding>(DEVICE),
        vpaAccounts: kv.get<VpaAccounts>(VPA_ACCOUNTS) ?? [],
        sessionEpoch: kv.get<number>(SESSION_EPOCH) ?? 0,
      };
    }
    return this.answerStateCopy;
  }

  private async answer(request: SessionRequest): Promise<SessionAnswer> {
    const state = this.answerState();
    const { view, binding } = viewCustomer(state.device, state.vpaAccounts, request.askedMobile);
    const { sessionToken, expiresAt } = await issueSessionToken(
      this.env,
      { ...request, deviceFingerPrint: binding?.deviceFingerPrint, epoch: state.sessionEpoch },
      request.now,
    );
    const { status, isDeviceBound, isDeviceActivated, ...rest } = view;
    return {
      status,
      isDeviceBound,
      isDeviceActivated,
      prefix: request.prefix,
      ...rest,
      sessionToken,
      sessionTokenExpiry: new Date(expiresAt).toISOString(),
    };
  }

  /** Makes sure an alarm sweeps a record expiring at `at` (the first write of each instance checks). */
  private async scheduleCleanup(at: number): Promise<void> {
    if (this.cleanupScheduled) return;
    this.cleanupScheduled = true;
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(at + 1);
  }

  /** Every record that expires, with when; each prefix is listed in full before its keys are yielded. */
  private *expiring(): Generator<[string, number]> {
    for (const [prefix, expiryOf] of Object.entries(EXPIRY_OF)) {
      for (const [key, value] of [...this.ctx.storage.kv.list<never>({ prefix })]) {
        yield [key, expiryOf(value)];
      }
    }
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < SWEEP_INTERVAL_MS) return;
    this.sweptAt = now;
    for (const [key, at] of this.expiring()) if (at < now) this.ctx.storage.kv.delete(key);
  }
}

/** Named with the incarnation: a re-created merchant finds no old customer (docs/storage.md#incarnations). */
export function customerObject(env: Env, merchantId: string, incarnation: string, customerId: string) {
  return env.UPI_CUSTOMERS.getByName(
    incarnationObjectName("upi-customer", merchantId, incarnation, customerId),
  );
}
