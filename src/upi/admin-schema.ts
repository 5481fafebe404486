import { importedSecretSchema, ipAllowlistSchema } from "../admin/schema";
import { idSchema } from "../shared/id-schema";
import * as z from "../shared/zod";
import { MAX_SIGNATURE_MAX_AGE_SECONDS } from "./signature";

/** The merchant admin routes' schemas (docs/admin.md#merchants), loaded on first use by ./admin. */

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
