import { adminFailure } from "../admin/errors";
import { changeTenant, createTenant, readTenant, rotateTenantSecret } from "../admin/tenant-calls";
import type { TenantSnapshot } from "../admin/tenant-changes";
import { replyKeyPut, replyTenant } from "../admin/tenant-replies";
import { adminContractRoutes, emptyBodyAsObject } from "../admin/validate";
import { etagHeader } from "../admin/versions";
import type { MerchantKeyRecord, MerchantRecord } from "../shared/config-records";
import { generateSecret, sha256Hex } from "../shared/crypto";
import { type AppContext, annotate } from "../shared/env";
import { canonicalMobile } from "../shared/identifiers";
import { recordTenantEvent, registerCustomer, type TenantEventType } from "../shared/tenants";
import type * as z from "../shared/zod";
import { upiAdminContract } from "./admin-contract";
import type * as schemas from "./admin-schema";
import { DEFAULT_CLIENT_AUTH_TOKEN_MAX_USES } from "./client-auth-token";
import { customerObject } from "./customer";
import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS, importMerchantPublicKey } from "./signature";

/** The routes of the UPI admin contract, registered by this module and admin-customer-sessions.ts. */
export const upiAdminRoutes = () => adminContractRoutes(upiAdminContract, () => import("./admin-schema"));

/** docs/admin.md#limits: active keys (retired ones: see MAX_RETIRED_MERCHANT_KEYS). */
const MAX_MERCHANT_KEYS = 10;

const keyView = ({ merchantKeyId, status, modulusBits, createdAt, updatedAt }: MerchantKeyRecord) => ({
  merchantKeyId,
  status,
  modulusBits,
  createdAt,
  updatedAt,
});

/** What the admin API shows of a merchant: never the API key or its hash. */
function viewOf({ record, keys }: TenantSnapshot): z.output<typeof schemas.merchantSchema> {
  const merchant = record as MerchantRecord;
  return {
    merchantId: merchant.merchantId,
    prefix: merchant.prefix,
    signatureMaxAgeSeconds: merchant.signatureMaxAgeSeconds,
    clientAuthTokenMaxUses: merchant.clientAuthTokenMaxUses,
    ipAllowlist: merchant.ipAllowlist ?? null,
    keys: keys.map(keyView),
    // docs/admin.md#grace-rotation: when the previous API key stops authenticating.
    previousKeyExpiresAt: merchant.previousKeyExpiresAt ?? null,
    createdAt: merchant.createdAt,
    updatedAt: merchant.updatedAt,
  };
}

const notFound = (c: AppContext, message: string) => adminFailure(c, { code: "not_found", message });
const invalidRequest = (c: AppContext, message: string) =>
  adminFailure(c, { code: "invalid_request", message });

/**
 * docs/admin.md#event-log: an event of the customer's merchant, its type and request id only (a customer id
 * may be an email, a binding holds a mobile number).
 */
export const recordCustomerChange = (c: AppContext, merchantId: string, type: TenantEventType) =>
  recordTenantEvent(c.env, "merchant", merchantId, { type, requestId: c.get("requestId") });
export const merchantNotFound = (c: AppContext, merchantId: string) =>
  notFound(c, `No merchant ${merchantId}`);
const answersFor = (merchantId: string) => ({ notFound: (c: AppContext) => merchantNotFound(c, merchantId) });

/** `/admin/v1/merchants`: UPI tenants, their signing keys and customers' state (docs/admin.md#merchants). */
const { app: merchantsAdmin, route } = upiAdminRoutes();

route("createMerchant", async (c, reply) => {
  const input = c.req.valid("json");
  const apiKey = input.apiKey ?? generateSecret();
  const now = new Date().toISOString();
  const record: Omit<MerchantRecord, "incarnation"> = {
    merchantId: input.merchantId,
    apiKeySha256: await sha256Hex(apiKey),
    prefix: input.prefix ?? "",
    signatureMaxAgeSeconds: input.signatureMaxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
    clientAuthTokenMaxUses: input.clientAuthTokenMaxUses ?? DEFAULT_CLIENT_AUTH_TOKEN_MAX_USES,
    ...(input.ipAllowlist ? { ipAllowlist: input.ipAllowlist } : {}),
    createdAt: now,
    updatedAt: now,
  };
  const created = await createTenant(c, "merchant", input.merchantId, record);
  if (!created) {
    return adminFailure(c, { code: "conflict", message: `Merchant ${input.merchantId} already exists` });
  }
  annotate(c, { merchantId: input.merchantId, action: "merchant_created" });
  // docs/admin.md#secrets: a generated key is returned once; an imported one is never echoed.
  const view = viewOf(created);
  return reply(input.apiKey ? view : { ...view, apiKey }, etagHeader(created.etag));
});

route("getMerchant", (c, reply) =>
  replyTenant(c, reply, "merchant", c.req.valid("param").merchantId, viewOf, merchantNotFound),
);

route("updateMerchant", async (c, reply) => {
  const { merchantId } = c.req.valid("param");
  const { ipAllowlist, ...set } = c.req.valid("json");
  const changed = await changeTenant(
    c,
    "merchant",
    merchantId,
    // `ipAllowlist: null` lifts the restriction.
    ipAllowlist === null
      ? { op: "update", set, unset: ["ipAllowlist"] }
      : { op: "update", set: { ...set, ipAllowlist } },
    answersFor(merchantId),
  );
  if (!changed.ok) return changed.reason;
  annotate(c, { merchantId, action: "merchant_updated" });
  const merchant = changed.value.snapshot!;
  return reply(viewOf(merchant), etagHeader(merchant.etag));
});

route("deleteMerchant", async (c, reply) => {
  const { merchantId } = c.req.valid("param");
  // The object ends the incarnation, deletes every copy and purges the customers (docs/storage.md#purge).
  const deleted = await changeTenant(c, "merchant", merchantId, { op: "delete" }, answersFor(merchantId));
  if (!deleted.ok) return deleted.reason;
  annotate(c, { merchantId, action: "merchant_deleted" });
  return reply();
});

// The body is optional: a bodiless POST rotates without grace.
route("rotateMerchantApiKey", emptyBodyAsObject, async (c, reply) => {
  const { merchantId } = c.req.valid("param");
  const rotated = await rotateTenantSecret(
    c,
    "merchant",
    merchantId,
    c.req.valid("json").graceSeconds,
    answersFor(merchantId),
  );
  if (!rotated.ok) return rotated.reason;
  annotate(c, { merchantId, action: "merchant_api_key_rotated" });
  const { secret: apiKey, snapshot } = rotated.value;
  const merchant = snapshot.record as MerchantRecord;
  return reply(
    { merchantId, apiKey, previousKeyExpiresAt: merchant.previousKeyExpiresAt ?? null },
    etagHeader(snapshot.etag),
  );
});

route("putMerchantKey", async (c, reply) => {
  const { merchantId, merchantKeyId } = c.req.valid("param");
  const { publicKey } = c.req.valid("json");
  const imported = await importMerchantPublicKey(publicKey);
  if (!imported.ok) return invalidRequest(c, `publicKey: ${imported.reason}`);
  const changed = await changeTenant(
    c,
    "merchant",
    merchantId,
    {
      op: "put-merchant-key",
      keyId: merchantKeyId,
      publicKeyPem: publicKey.trim(),
      modulusBits: imported.value.modulusBits,
      max: MAX_MERCHANT_KEYS,
    },
    answersFor(merchantId),
  );
  if (!changed.ok) return changed.reason;
  annotate(c, { merchantId, merchantKeyId, action: "merchant_key_registered" });
  const key = changed.value.snapshot!.keys.find((stored) => stored.merchantKeyId === merchantKeyId)!;
  return replyKeyPut(c, reply, keyView(key), changed.value);
});

route("retireMerchantKey", async (c, reply) => {
  const { merchantId, merchantKeyId } = c.req.valid("param");
  // Retired, not erased: the id stays visible in the merchant's key list as no longer accepted.
  const noKey = (ctx: AppContext) => notFound(ctx, `No key ${merchantKeyId} for merchant ${merchantId}`);
  const changed = await changeTenant(
    c,
    "merchant",
    merchantId,
    { op: "retire-merchant-key", keyId: merchantKeyId },
    { notFound: noKey, childNotFound: noKey },
  );
  if (!changed.ok) return changed.reason;
  annotate(c, { merchantId, merchantKeyId, action: "merchant_key_retired" });
  return reply(etagHeader(changed.value.snapshot!.etag));
});

route("getCustomerState", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  const merchant = await readTenant(c, "merchant", merchantId);
  if (!merchant) return merchantNotFound(c, merchantId);
  const snapshot = await customerObject(c.env, merchantId, merchant.incarnation, customerId).snapshot();
  return reply({ merchantId, customerId, ...snapshot });
});

route("bindCustomerDevice", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  const input = c.req.valid("json");
  const mobileNumber = canonicalMobile(input.mobileNumber);
  if (!mobileNumber) return invalidRequest(c, "mobileNumber: must be a mobile number of 10-15 digits");
  const incarnation = await registerCustomer(c.env, merchantId, customerId);
  if (incarnation === undefined) return merchantNotFound(c, merchantId);
  const snapshot = await customerObject(c.env, merchantId, incarnation, customerId).bindDevice({
    deviceFingerPrint: input.deviceFingerPrint,
    mobileNumber,
    activated: input.activated,
    updatedAt: new Date().toISOString(),
  });
  annotate(c, { merchantId, action: "customer_device_bound" });
  await recordCustomerChange(c, merchantId, "customer_device_bound");
  return reply({ merchantId, customerId, ...snapshot });
});

route("unbindCustomerDevice", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  const merchant = await readTenant(c, "merchant", merchantId);
  if (!merchant) return merchantNotFound(c, merchantId);
  const unbound = await customerObject(c.env, merchantId, merchant.incarnation, customerId).unbindDevice();
  if (!unbound) return notFound(c, `Customer ${customerId} has no bound device`);
  annotate(c, { merchantId, action: "customer_device_unbound" });
  await recordCustomerChange(c, merchantId, "customer_device_unbound");
  return reply();
});

route("setCustomerVpaAccounts", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  const incarnation = await registerCustomer(c.env, merchantId, customerId);
  if (incarnation === undefined) return merchantNotFound(c, merchantId);
  const snapshot = await customerObject(c.env, merchantId, incarnation, customerId).setVpaAccounts(
    c.req.valid("json"),
  );
  annotate(c, { merchantId, action: "customer_vpa_accounts_set" });
  await recordCustomerChange(c, merchantId, "customer_accounts_set");
  return reply({ merchantId, customerId, ...snapshot });
});

export { merchantsAdmin };
