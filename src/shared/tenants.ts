import { objectName } from "./ids";
import { logLine } from "./log";

// The tenant control plane's vocabulary (docs/storage.md#tenant-objects): the admin API's and the families'.

/** A tenant: an app, a merchant, a portal org (numeric id) or a portal user (canonical email). */
export type TenantKind = "app" | "merchant" | "org" | "portal-user";

export type TenantEventType =
  | "created"
  | "updated"
  | "key_rotated"
  | "deleted"
  | "request_key_added"
  | "request_key_removed"
  | "merchant_key_added"
  | "merchant_key_retired"
  | "user_added"
  | "user_removed"
  | "transaction_revoked"
  | "sessions_revoked"
  | "client_token_revoked"
  | "token_revoked"
  | "customer_device_bound"
  | "customer_device_unbound"
  | "customer_accounts_set"
  | "locked_out"
  | "unlocked";

/** `{"<field>":{"from","to"}}`: values already redacted (no secret, hash, full email or mobile). */
export type EventChanges = Record<string, { from: unknown; to: unknown }>;

export interface TenantEventInput {
  readonly type: TenantEventType;
  /** The `X-Request-Id` of the request that caused the event. */
  readonly requestId: string;
  readonly changes?: EventChanges;
}

/** What a rotated secret or password reads as in an event (docs/admin.md#event-log). */
export const REDACTED_SECRET = { from: "previous", to: "rotated" } as const;

/** The one object that writes a tenant (`objectName("tenant", kind, id)`). */
export function tenantObject(env: Env, kind: TenantKind, id: string) {
  return env.TENANTS.getByName(objectName("tenant", kind, id));
}

/**
 * Appends a security event (revocation, lockout) to the id's log, after the change it reports was committed:
 * a failure to record is logged, never thrown, so no route answers 500 for a change it made
 * (docs/http.md#internal-faults).
 */
export async function recordTenantEvent(
  env: Env,
  kind: TenantKind,
  id: string,
  event: TenantEventInput,
): Promise<void> {
  try {
    await tenantObject(env, kind, id).recordEvent(event, Date.now());
  } catch (error) {
    logLine({
      fault: "tenant event not recorded",
      event: event.type,
      requestId: event.requestId,
      error: String(error).slice(0, 200),
    });
  }
}

/**
 * Notes a UPI customer in its merchant's object before its state is written, so deleting the merchant purges
 * it (docs/storage.md#purge): the merchant's incarnation, or `undefined` when the merchant does not exist
 * (whatever a KV copy says) or, with `expected` (the incarnation that authenticated the caller), was
 * re-created since: the old merchant's key never writes into the new merchant.
 */
export async function registerCustomer(
  env: Env,
  merchantId: string,
  customerId: string,
  expected?: string,
): Promise<string | undefined> {
  const registered = await tenantObject(env, "merchant", merchantId).registerCustomer(customerId, expected);
  return registered.ok ? registered.value : undefined;
}
