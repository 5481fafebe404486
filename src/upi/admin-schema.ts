import * as z from "zod";
import { importedSecretSchema, ipAllowlistSchema } from "../admin/schema";
import { idSchema } from "../shared/id-schema";
import { MAX_SIGNATURE_MAX_AGE_SECONDS } from "./signature";

/** The merchant admin routes' schemas (docs/admin.md#merchants), loaded on first use by ./admin. */

const merchantSettings = {
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9]{0,16}$/, "must be up to 16 letters or digits")
    .optional(),
  signatureMaxAgeSeconds: z.number().int().min(30).max(MAX_SIGNATURE_MAX_AGE_SECONDS).optional(),
  clientAuthTokenMaxUses: z.number().int().min(1).max(1000).optional(),
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
  publicKey: z.string().max(16_384).describe("SPKI PEM, RSA 2048+."),
});
