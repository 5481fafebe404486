import {
  importedSecretSchema,
  ipAllowlistSchema,
  previousKeyExpiresAtSchema,
  secretShownOnceSchema,
  timestamps,
} from "../admin/schema";
import { idSchema } from "../shared/id-schema";
import * as z from "../shared/zod";
import { MAX_SIGNATURE_MAX_AGE_SECONDS } from "./signature";

// The merchant admin routes' schemas (docs/admin.md#merchants), named by their contract, loaded on first use.

export { rotateKeySchema } from "../admin/schema";
export { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "./schema";

const merchantSettings = {
  prefix: z.optional(z.string().check(z.regex(/^[A-Za-z0-9]{0,16}$/, "must be up to 16 letters or digits"))),
  signatureMaxAgeSeconds: z.optional(
    z.number().check(z.int(), z.gte(30), z.lte(MAX_SIGNATURE_MAX_AGE_SECONDS)),
  ),
  clientAuthTokenMaxUses: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  ipAllowlist: z.optional(ipAllowlistSchema),
};

export const createMerchantSchema = z.strictObject({
  merchantId: idSchema,
  apiKey: z.optional(importedSecretSchema),
  ...merchantSettings,
});

// `ipAllowlist: null` removes the restriction; an omitted field stays as it is.
export const updateMerchantSchema = z.strictObject({
  ...merchantSettings,
  ipAllowlist: z.optional(z.nullable(ipAllowlistSchema)),
});

export const merchantParamSchema = z.object({ merchantId: idSchema });
export const keyParamSchema = z.object({ merchantId: idSchema, merchantKeyId: idSchema });
export const putKeySchema = z.strictObject({
  publicKey: z.string().check(z.maxLength(16_384), z.describe("SPKI PEM, RSA 2048+.")),
});

/** A merchant signing key as the admin API shows it (`keyView`). */
export const merchantKeySchema = z.object({
  merchantKeyId: z.string(),
  status: z.enum(["active", "retired"]),
  modulusBits: z.int(),
  ...timestamps,
});

/** What the admin API shows of a merchant (`merchantView`): never the API key's hash, the key only when just made. */
export const merchantSchema = z.object({
  merchantId: z.string(),
  apiKey: secretShownOnceSchema,
  prefix: z.string(),
  signatureMaxAgeSeconds: z.int(),
  clientAuthTokenMaxUses: z.int(),
  ipAllowlist: z.nullable(z.array(z.string())),
  keys: z.array(merchantKeySchema),
  previousKeyExpiresAt: previousKeyExpiresAtSchema,
  ...timestamps,
});

/** A rotation's answer: the new API key, shown once. */
export const merchantApiKeyRotatedSchema = z.object({
  merchantId: z.string(),
  apiKey: z.string(),
  previousKeyExpiresAt: previousKeyExpiresAtSchema,
});

/** A customer's state as its object holds it, with its address. */
export const customerStateSchema = z
  .looseObject({ merchantId: z.string(), customerId: z.string() })
  .check(
    z.describe(
      "The customer's profile, device binding and linked accounts as the UPI customer object holds them.",
    ),
  );
