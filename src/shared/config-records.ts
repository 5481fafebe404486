import type * as schemas from "./config-records-schema";
import { recordKind } from "./config-store";
import type * as z from "./zod";

// Every record kept in KV, with its key prefix (docs/storage.md#kv-records); schemas load on first use.
type Schemas = typeof schemas;
const kind = <K extends keyof Schemas>(prefix: string, name: K) =>
  recordKind<z.infer<Schemas[K]>>(prefix, () =>
    import("./config-records-schema").then((m) => m[name] as never),
  );

export type RequestKey = z.infer<typeof schemas.requestKeySchema>;

export type AppRecord = z.infer<typeof schemas.appRecordSchema>;

/** `app:<appId>`: a CPR tenant. */
export const APPS = kind("app", "appRecordSchema");

export type MerchantRecord = z.infer<typeof schemas.merchantRecordSchema>;

/** `merchant:<merchantId>`: a UPI tenant. */
export const MERCHANTS = kind("merchant", "merchantRecordSchema");

export type MerchantKeyRecord = z.infer<typeof schemas.merchantKeyRecordSchema>;

// `merchant-key:<merchantId>/<merchantKeyId>`: another merchant's key id is unknown here; `/` is outside the
// id alphabet, so the pair is unambiguous.
export const MERCHANT_KEYS = kind("merchant-key", "merchantKeyRecordSchema");

export function merchantKeyRecordId(merchantId: string, merchantKeyId: string): string {
  return `${merchantId}/${merchantKeyId}`;
}

export type OrgRecord = z.infer<typeof schemas.orgRecordSchema>;

/** `portal-org:<id>`: a portal organization, by its numeric id. */
export const ORGS = kind("portal-org", "orgRecordSchema");

export type PortalUserRecord = z.infer<typeof schemas.portalUserRecordSchema>;

/** `portal-user:<canonical email>`: a portal user. */
export const PORTAL_USERS = kind("portal-user", "portalUserRecordSchema");
