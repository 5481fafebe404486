import { Hono } from "hono";
import * as z from "zod";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import {
  MERCHANT_KEYS,
  MERCHANTS,
  type MerchantKeyRecord,
  type MerchantRecord,
  merchantKeyRecordId,
} from "../shared/config-records";
import type { ConfigStore } from "../shared/config-store";
import { generateSecret, sha256Hex } from "../shared/crypto";
import { canonicalMobile } from "../shared/identifiers";
import { idSchema } from "../shared/ids";
import { DEFAULT_CLIENT_AUTH_TOKEN_MAX_USES } from "../upi/client-auth-token";
import { customerObject } from "../upi/customer";
import { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "../upi/schema";
import { importMerchantPublicKey, MAX_SIGNATURE_MAX_AGE_SECONDS } from "../upi/signature";
import { adminFailure } from "./errors";
import { createOnce, releaseId } from "./id-claim";
import { importedSecretSchema, ipAllowlistSchema } from "./schema";
import { adminJson, adminParams } from "./validate";

/** SPEC §5: by default a signed payload may be 15 minutes old. */
const DEFAULT_SIGNATURE_MAX_AGE_SECONDS = 15 * 60;

const merchantSettings = {
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9]{0,16}$/, "must be up to 16 letters or digits")
    .optional(),
  signatureMaxAgeSeconds: z.number().int().min(30).max(MAX_SIGNATURE_MAX_AGE_SECONDS).optional(),
  clientAuthTokenMaxUses: z.number().int().min(1).max(1000).optional(),
  ipAllowlist: ipAllowlistSchema.optional(),
};

export const createMerchantSchema = z.strictObject({
  merchantId: idSchema,
  apiKey: importedSecretSchema.optional(),
  ...merchantSettings,
});

// `ipAllowlist: null` removes the restriction; an omitted field stays as it is.
export const updateMerchantSchema = z.strictObject({
  ...merchantSettings,
  ipAllowlist: ipAllowlistSchema.nullable().optional(),
});

export const merchantParamSchema = z.object({ merchantId: idSchema });
export const keyParamSchema = z.object({ merchantId: idSchema, merchantKeyId: idSchema });
export const putKeySchema = z.strictObject({
  publicKey: z.string().max(16_384).describe("SPKI PEM, RSA 2048+."),
});

function keyView(key: MerchantKeyRecord) {
  return {
    merchantKeyId: key.merchantKeyId,
    status: key.status,
    modulusBits: key.modulusBits,
    createdAt: key.createdAt,
    updatedAt: key.updatedAt,
  };
}

/** What the admin API shows of a merchant: never the API key or its hash. */
function merchantView(merchant: MerchantRecord, keys: MerchantKeyRecord[]) {
  return {
    merchantId: merchant.merchantId,
    prefix: merchant.prefix,
    signatureMaxAgeSeconds: merchant.signatureMaxAgeSeconds,
    clientAuthTokenMaxUses: merchant.clientAuthTokenMaxUses,
    ipAllowlist: merchant.ipAllowlist ?? null,
    keys: keys.map(keyView),
    createdAt: merchant.createdAt,
    updatedAt: merchant.updatedAt,
  };
}

async function merchantKeys(store: ConfigStore, merchantId: string): Promise<MerchantKeyRecord[]> {
  const ids = await store.listIds(MERCHANT_KEYS, `${merchantId}/`);
  const keys = await Promise.all(ids.map((id) => store.getFresh(MERCHANT_KEYS, id)));
  return keys.filter((key) => key !== undefined);
}

const notFound = (c: AppContext, message: string) => adminFailure(c, { code: "not_found", message });
const merchantExists = (c: AppContext, merchantId: string) =>
  adminFailure(c, { code: "conflict", message: `Merchant ${merchantId} already exists` });
const merchantNotFound = (c: AppContext, merchantId: string) => notFound(c, `No merchant ${merchantId}`);

/** `/admin/v1/merchants`: UPI tenants, their signing keys and their customers' state (SPEC §7). */
export const merchantsAdmin = new Hono<AppEnv>()
  .post("/", adminJson(createMerchantSchema), async (c) => {
    const input = c.req.valid("json");
    const store = c.get("config");
    if (await store.getFresh(MERCHANTS, input.merchantId)) return merchantExists(c, input.merchantId);
    const apiKey = input.apiKey ?? generateSecret();
    const now = new Date().toISOString();
    const merchant: MerchantRecord = {
      merchantId: input.merchantId,
      apiKeySha256: await sha256Hex(apiKey),
      prefix: input.prefix ?? "",
      signatureMaxAgeSeconds: input.signatureMaxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
      clientAuthTokenMaxUses: input.clientAuthTokenMaxUses ?? DEFAULT_CLIENT_AUTH_TOKEN_MAX_USES,
      ipAllowlist: input.ipAllowlist,
      createdAt: now,
      updatedAt: now,
    };
    const created = await createOnce(c.env, "merchant", merchant.merchantId, () =>
      store.put(MERCHANTS, merchant.merchantId, merchant),
    );
    if (!created.ok) return merchantExists(c, merchant.merchantId);
    annotate(c, { merchantId: merchant.merchantId, action: "merchant_created" });
    // SPEC §7: a generated key is returned once; an imported one is never echoed.
    const view = merchantView(merchant, []);
    return c.json(input.apiKey ? view : { ...view, apiKey }, 201, { "Cache-Control": "no-store" });
  })
  .get("/:merchantId", adminParams(merchantParamSchema), async (c) => {
    const { merchantId } = c.req.valid("param");
    const store = c.get("config");
    const merchant = await store.getFresh(MERCHANTS, merchantId);
    return merchant
      ? c.json(merchantView(merchant, await merchantKeys(store, merchantId)))
      : merchantNotFound(c, merchantId);
  })
  .patch("/:merchantId", adminParams(merchantParamSchema), adminJson(updateMerchantSchema), async (c) => {
    const { merchantId } = c.req.valid("param");
    const { ipAllowlist, ...changes } = c.req.valid("json");
    const store = c.get("config");
    const merchant = await store.getFresh(MERCHANTS, merchantId);
    if (!merchant) return merchantNotFound(c, merchantId);
    const updated: MerchantRecord = {
      ...merchant,
      ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
      ipAllowlist: ipAllowlist === null ? undefined : (ipAllowlist ?? merchant.ipAllowlist),
      updatedAt: new Date().toISOString(),
    };
    await store.put(MERCHANTS, merchantId, updated);
    annotate(c, { merchantId, action: "merchant_updated" });
    return c.json(merchantView(updated, await merchantKeys(store, merchantId)));
  })
  .delete("/:merchantId", adminParams(merchantParamSchema), async (c) => {
    const { merchantId } = c.req.valid("param");
    const store = c.get("config");
    if (!(await store.getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
    // The merchant goes first: without it no key verifies, even if deleting a key fails midway.
    await store.delete(MERCHANTS, merchantId);
    for (const id of await store.listIds(MERCHANT_KEYS, `${merchantId}/`))
      await store.delete(MERCHANT_KEYS, id);
    await releaseId(c.env, "merchant", merchantId);
    annotate(c, { merchantId, action: "merchant_deleted" });
    return c.body(null, 204);
  })
  .post("/:merchantId/rotate-key", adminParams(merchantParamSchema), async (c) => {
    const { merchantId } = c.req.valid("param");
    const store = c.get("config");
    const merchant = await store.getFresh(MERCHANTS, merchantId);
    if (!merchant) return merchantNotFound(c, merchantId);
    const apiKey = generateSecret();
    await store.put(MERCHANTS, merchantId, {
      ...merchant,
      apiKeySha256: await sha256Hex(apiKey),
      updatedAt: new Date().toISOString(),
    });
    annotate(c, { merchantId, action: "merchant_api_key_rotated" });
    return c.json({ merchantId, apiKey }, 200, { "Cache-Control": "no-store" });
  })
  .put(
    "/:merchantId/keys/:merchantKeyId",
    adminParams(keyParamSchema),
    adminJson(putKeySchema),
    async (c) => {
      const { merchantId, merchantKeyId } = c.req.valid("param");
      const store = c.get("config");
      if (!(await store.getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
      const imported = await importMerchantPublicKey(c.req.valid("json").publicKey);
      if (!imported.ok) {
        return adminFailure(c, { code: "invalid_request", message: `publicKey: ${imported.reason}` });
      }
      const id = merchantKeyRecordId(merchantId, merchantKeyId);
      const existing = await store.getFresh(MERCHANT_KEYS, id);
      const now = new Date().toISOString();
      const key: MerchantKeyRecord = {
        merchantId,
        merchantKeyId,
        publicKeyPem: c.req.valid("json").publicKey.trim(),
        modulusBits: imported.modulusBits,
        status: "active",
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      await store.put(MERCHANT_KEYS, id, key);
      annotate(c, { merchantId, merchantKeyId, action: "merchant_key_registered" });
      return c.json(keyView(key), existing ? 200 : 201);
    },
  )
  .delete("/:merchantId/keys/:merchantKeyId", adminParams(keyParamSchema), async (c) => {
    const { merchantId, merchantKeyId } = c.req.valid("param");
    const store = c.get("config");
    const id = merchantKeyRecordId(merchantId, merchantKeyId);
    const key = await store.getFresh(MERCHANT_KEYS, id);
    if (!key) return notFound(c, `No key ${merchantKeyId} for merchant ${merchantId}`);
    // Retired, not erased: the id stays visible in the merchant's key list as no longer accepted.
    await store.put(MERCHANT_KEYS, id, { ...key, status: "retired", updatedAt: new Date().toISOString() });
    annotate(c, { merchantId, merchantKeyId, action: "merchant_key_retired" });
    return c.body(null, 204);
  })
  .get("/:merchantId/customers/:customerId", adminParams(customerIdParamSchema), async (c) => {
    const { merchantId, customerId } = c.req.valid("param");
    if (!(await c.get("config").getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
    const snapshot = await customerObject(c.env, merchantId, customerId).snapshot();
    return c.json({ merchantId, customerId, ...snapshot });
  })
  .put(
    "/:merchantId/customers/:customerId/device",
    adminParams(customerIdParamSchema),
    adminJson(deviceBindingSchema),
    async (c) => {
      const { merchantId, customerId } = c.req.valid("param");
      const input = c.req.valid("json");
      const mobileNumber = canonicalMobile(input.mobileNumber);
      if (!mobileNumber) {
        return adminFailure(c, {
          code: "invalid_request",
          message: "mobileNumber: must be a mobile number of 10-15 digits",
        });
      }
      if (!(await c.get("config").getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
      const snapshot = await customerObject(c.env, merchantId, customerId).bindDevice({
        deviceFingerPrint: input.deviceFingerPrint,
        mobileNumber,
        activated: input.activated,
        updatedAt: new Date().toISOString(),
      });
      annotate(c, { merchantId, action: "customer_device_bound" });
      return c.json({ merchantId, customerId, ...snapshot });
    },
  )
  .delete("/:merchantId/customers/:customerId/device", adminParams(customerIdParamSchema), async (c) => {
    const { merchantId, customerId } = c.req.valid("param");
    if (!(await c.get("config").getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
    const unbound = await customerObject(c.env, merchantId, customerId).unbindDevice();
    if (!unbound) return notFound(c, `Customer ${customerId} has no bound device`);
    annotate(c, { merchantId, action: "customer_device_unbound" });
    return c.body(null, 204);
  })
  .put(
    "/:merchantId/customers/:customerId/vpa-accounts",
    adminParams(customerIdParamSchema),
    adminJson(vpaAccountsSchema),
    async (c) => {
      const { merchantId, customerId } = c.req.valid("param");
      if (!(await c.get("config").getFresh(MERCHANTS, merchantId))) return merchantNotFound(c, merchantId);
      const snapshot = await customerObject(c.env, merchantId, customerId).setVpaAccounts(
        c.req.valid("json"),
      );
      annotate(c, { merchantId, action: "customer_vpa_accounts_set" });
      return c.json({ merchantId, customerId, ...snapshot });
    },
  );
