import type * as schemas from "./config-records-schema";
import { recordKind } from "./config-store";
import type * as z from "./zod";

/**
 * Every configuration record kept in KV, with its key prefix (docs/storage.md#kv-records). Secrets are never
 * stored: only their SHA-256. The schemas (`config-records-schema.ts`) load on the first read or write of
 * their kind (docs/architecture.md#startup).
 */
const load = () => import("./config-records-schema");

/** Public key an app registered for CPR request signatures (docs/cpr.md#request-signatures). */
export type RequestKey = z.infer<typeof schemas.requestKeySchema>;

export type AppRecord = z.infer<typeof schemas.appRecordSchema>;

/** `app:<appId>`: a CPR tenant. */
export const APPS = recordKind<AppRecord>("app", () => load().then((m) => m.appRecordSchema));

/** A UPI merchant (docs/upi.md, docs/admin.md#input-validation). */
export type MerchantRecord = z.infer<typeof schemas.merchantRecordSchema>;

/** `merchant:<merchantId>`: a UPI tenant. */
export const MERCHANTS = recordKind<MerchantRecord>("merchant", () =>
  load().then((m) => m.merchantRecordSchema),
);

/** An RSA public key a merchant signs `signaturePayload`s with. */
export type MerchantKeyRecord = z.infer<typeof schemas.merchantKeyRecordSchema>;

/**
 * `merchant-key:<merchantId>/<merchantKeyId>`: key ids live inside their merchant, so another
 * merchant's key id is simply unknown here. `/` is outside the id alphabet, so the pair is unambiguous.
 */
export const MERCHANT_KEYS = recordKind<MerchantKeyRecord>("merchant-key", () =>
  load().then((m) => m.merchantKeyRecordSchema),
);

/** The id of a merchant key record under `MERCHANT_KEYS`. */
export function merchantKeyRecordId(merchantId: string, merchantKeyId: string): string {
  return `${merchantId}/${merchantKeyId}`;
}

/** A portal organization (docs/portal.md#ip-allowlist, seed 001). */
export type OrgRecord = z.infer<typeof schemas.orgRecordSchema>;

/** `portal-org:<id>`: a portal organization, by its numeric id. */
export const ORGS = recordKind<OrgRecord>("portal-org", () => load().then((m) => m.orgRecordSchema));

/** A portal user: only the password hash (a self-describing PBKDF2 string) is kept. */
export type PortalUserRecord = z.infer<typeof schemas.portalUserRecordSchema>;

/** `portal-user:<canonical email>`: a portal user. */
export const PORTAL_USERS = recordKind<PortalUserRecord>("portal-user", () =>
  load().then((m) => m.portalUserRecordSchema),
);
