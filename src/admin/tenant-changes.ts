import type { MerchantKeyRecord, RequestKey } from "../shared/config-records";
import type { Result } from "../shared/result";
import { type EventChanges, REDACTED_SECRET, type TenantEventType, type TenantKind } from "../shared/tenants";

// What the admin routes ask a tenant object (docs/storage.md#tenant-objects): routes validate and hash
// secrets; the object applies it to its current record (no change overwrites another), answering an outcome.

/** A tenant's published copy (the KV record hot paths read), as the object holds it. */
export type TenantRecord = Record<string, unknown>;

export interface TenantSnapshot {
  readonly kind: TenantKind;
  readonly record: TenantRecord;
  /** Merchant keys, by id order (merchants only). */
  readonly keys: MerchantKeyRecord[];
  /** Emails of the org's users (orgs only). */
  readonly members: string[];
  readonly incarnation: string;
  /** The strong entity tag of this version (RFC 9110 §8.8.3), quoted. */
  readonly etag: string;
}

export type TenantChange =
  /** Sets `set` and removes `unset` fields of the record; an unchanged field is no change. */
  | { op: "update"; set: TenantRecord; unset?: string[] }
  /** A new secret digest; the previous one authenticates for `graceSeconds` more (apps, merchants). */
  | { op: "rotate"; sha256: string; graceSeconds: number }
  | { op: "put-request-key"; keyId: string; key: RequestKey; max: number }
  | { op: "delete-request-key"; keyId: string }
  | { op: "put-merchant-key"; keyId: string; publicKeyPem: string; modulusBits: number; max: number }
  | { op: "retire-merchant-key"; keyId: string }
  /** A portal user's new password hash and/or disabled flag; ends the user's tokens when it should. */
  | { op: "set-credentials"; passwordHash?: string; disabled?: boolean }
  /** An org's user: added before the user is created, removed after it was deleted or failed. */
  | { op: "add-member"; email: string; maskedEmail: string }
  | { op: "remove-member"; email: string; maskedEmail: string }
  | { op: "unlock" }
  /** Ends the incarnation; `staleMembers` are users (of an org) known to be gone. */
  | { op: "delete"; staleMembers?: string[] };

export type ChangeRefusal =
  | { code: "not_found" | "precondition_failed" | "child_not_found" | "has_users" | "member_exists" }
  | { code: "limit"; message: string }
  /** Committed, but the KV copy could not be written yet: the next call or the alarm repairs it. */
  | { code: "not_published" };

/** A committed change: the tenant after it (`null` once deleted); `replaced`: a put replaced a child. */
export interface TenantChanged {
  readonly snapshot: TenantSnapshot | null;
  readonly changed: boolean;
  readonly replaced?: boolean;
}

export type ChangeOutcome = Result<TenantChanged, ChangeRefusal>;

/** `If-Match` as the object checks it: absent, `*`, or the strong tags listed (weak ones never match). */
export type Precondition = { kind: "none" } | { kind: "any" } | { kind: "tags"; tags: string[] };

/** One change's effect, computed without touching storage; an absent record, keys or members is unchanged. */
export interface Applied {
  readonly record?: TenantRecord | null;
  readonly keys?: Record<string, MerchantKeyRecord>;
  readonly members?: Record<string, number>;
  readonly event: { type: TenantEventType; changes?: EventChanges };
  /** Merchant key ids whose KV copies must be written again (or deleted). */
  readonly touchedKeys?: string[];
  readonly resetCredentials?: boolean;
  /** A put replaced a child with the same id (200 rather than 201). */
  readonly replaced?: boolean;
}

/** Per kind with a secret: the field the event names, the digest's field and its previous one's. */
const SECRET_FIELDS: Readonly<Record<string, readonly [string, string, string]>> = {
  app: ["appKey", "appKeySha256", "previousAppKeySha256"],
  merchant: ["apiKey", "apiKeySha256", "previousApiKeySha256"],
};

// Bounds a merchant's record however often keys are replaced: older retired keys are erased (a retired key
// verifies nothing, so forgetting it changes no answer but `retired_key` → `unknown_key`).
const MAX_RETIRED_MERCHANT_KEYS = 10;

// Longer than any one request: a member younger than this may still be getting its user created.
const MEMBER_SETTLE_MS = 60_000;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The event of a change to one child (`path`, e.g. `requestKeys.<id>`). */
const childEvent = (type: TenantEventType, path: string, from: unknown, to: unknown) => ({
  type,
  changes: { [path]: { from, to } },
});

/** Applies `change` to the current state: `undefined` when it changes nothing; a refusal changes nothing. */
export function applyChange(
  kind: TenantKind,
  current: { record: TenantRecord; keys: Record<string, MerchantKeyRecord>; members: Record<string, number> },
  change: TenantChange,
  now: number,
  incarnation: string,
): Applied | ChangeRefusal | undefined {
  const at = new Date(now).toISOString();
  const { record, keys, members } = current;
  const requestKeys = record.requestKeys as Record<string, RequestKey>;
  switch (change.op) {
    case "update": {
      // `set` holds plain settings only: secrets change by `rotate`/`set-credentials`, logged redacted.
      const changes: EventChanges = {};
      const next: TenantRecord = { ...record };
      for (const [field, value] of Object.entries(change.set)) {
        if (value === undefined || same(record[field], value)) continue;
        changes[field] = { from: record[field] ?? null, to: value };
        next[field] = value;
      }
      for (const field of change.unset ?? []) {
        if (record[field] === undefined) continue;
        changes[field] = { from: record[field], to: null };
        delete next[field];
      }
      if (Object.keys(changes).length === 0) return undefined;
      next.updatedAt = at;
      return { record: next, event: { type: "updated", changes } };
    }
    case "rotate": {
      const [secretField, currentField, previousField] = SECRET_FIELDS[kind]!;
      const next: TenantRecord = { ...record, [currentField]: change.sha256, updatedAt: at };
      // docs/admin.md#grace-rotation: a new rotation ends any earlier grace at once.
      delete next[previousField];
      delete next.previousKeyExpiresAt;
      // The log names the secret, never it or its digest (docs/admin.md#event-log).
      const changes: EventChanges = { [secretField]: { ...REDACTED_SECRET } };
      if (change.graceSeconds > 0) {
        next[previousField] = record[currentField];
        next.previousKeyExpiresAt = new Date(now + change.graceSeconds * 1000).toISOString();
      }
      const [from, to] = [record.previousKeyExpiresAt ?? null, next.previousKeyExpiresAt ?? null];
      if (!same(from, to)) changes.previousKeyExpiresAt = { from, to };
      return { record: next, event: { type: "key_rotated", changes } };
    }
    case "put-request-key": {
      const replaced = Object.hasOwn(requestKeys, change.keyId);
      if (!replaced && Object.keys(requestKeys).length >= change.max) {
        return { code: "limit", message: `An app holds at most ${change.max} request keys` };
      }
      const from = requestKeys[change.keyId]?.alg ?? null;
      return {
        record: { ...record, requestKeys: { ...requestKeys, [change.keyId]: change.key }, updatedAt: at },
        event: childEvent("request_key_added", `requestKeys.${change.keyId}`, from, change.key.alg),
        replaced,
      };
    }
    case "delete-request-key": {
      if (!Object.hasOwn(requestKeys, change.keyId)) return { code: "child_not_found" };
      const { [change.keyId]: removed, ...rest } = requestKeys;
      return {
        record: { ...record, requestKeys: rest, updatedAt: at },
        event: childEvent("request_key_removed", `requestKeys.${change.keyId}`, removed!.alg, null),
      };
    }
    case "put-merchant-key": {
      const existing = keys[change.keyId];
      const active = Object.values(keys).filter((key) => key.status === "active");
      if (existing?.status !== "active" && active.length >= change.max) {
        return { code: "limit", message: `A merchant holds at most ${change.max} active keys` };
      }
      const key: MerchantKeyRecord = {
        merchantId: record.merchantId as string,
        incarnation,
        merchantKeyId: change.keyId,
        publicKeyPem: change.publicKeyPem,
        modulusBits: change.modulusBits,
        status: "active",
        createdAt: existing?.createdAt ?? at,
        updatedAt: at,
      };
      const path = `merchantKeys.${change.keyId}`;
      return {
        keys: { ...keys, [change.keyId]: key },
        event: childEvent("merchant_key_added", path, existing?.status ?? null, "active"),
        touchedKeys: [change.keyId],
        replaced: existing !== undefined,
      };
    }
    case "retire-merchant-key": {
      const existing = keys[change.keyId];
      if (!existing) return { code: "child_not_found" };
      const next = { ...keys, [change.keyId]: { ...existing, status: "retired" as const, updatedAt: at } };
      const retired = Object.values(next)
        .filter((key) => key.status === "retired")
        .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
      const erased = retired.slice(0, Math.max(0, retired.length - MAX_RETIRED_MERCHANT_KEYS));
      for (const key of erased) delete next[key.merchantKeyId];
      return {
        keys: next,
        event: childEvent("merchant_key_retired", `merchantKeys.${change.keyId}`, existing.status, "retired"),
        touchedKeys: [change.keyId, ...erased.map((key) => key.merchantKeyId)],
      };
    }
    case "set-credentials": {
      const changes: EventChanges = {};
      const next: TenantRecord = { ...record, updatedAt: at };
      if (change.passwordHash !== undefined) {
        changes.password = { ...REDACTED_SECRET };
        next.passwordHash = change.passwordHash;
      }
      if (change.disabled !== undefined && change.disabled !== record.disabled) {
        changes.disabled = { from: record.disabled, to: change.disabled };
        next.disabled = change.disabled;
      }
      if (Object.keys(changes).length === 0) return undefined;
      // A new password, and disabling, end every token at once (docs/portal.md#passwords).
      const resetCredentials = change.passwordHash !== undefined || change.disabled === true;
      return { record: next, event: { type: "updated", changes }, resetCredentials };
    }
    case "add-member":
      if (Object.hasOwn(members, change.email)) return { code: "member_exists" };
      return {
        members: { ...members, [change.email]: now },
        event: childEvent("user_added", `users.${change.maskedEmail}`, null, "member"),
      };
    case "remove-member": {
      if (!Object.hasOwn(members, change.email)) return undefined;
      const { [change.email]: _gone, ...rest } = members;
      return {
        members: rest,
        event: childEvent("user_removed", `users.${change.maskedEmail}`, "member", null),
      };
    }
    case "unlock":
      return { event: { type: "unlocked" } };
    case "delete": {
      // A user being created right now is a member before it exists: only an older one can be stale.
      const remaining = Object.entries(members).filter(
        ([email, addedAt]) => !(change.staleMembers?.includes(email) && addedAt < now - MEMBER_SETTLE_MS),
      );
      if (remaining.length > 0) return { code: "has_users" };
      return {
        record: null,
        keys: {},
        members: {},
        event: { type: "deleted" },
        touchedKeys: Object.keys(keys),
        resetCredentials: kind === "portal-user",
      };
    }
  }
}
