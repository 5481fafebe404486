import { previousKeyExpiresAtSchema, secretShownOnceSchema, timestamps } from "../admin/schema";
import { idSchema } from "../shared/id-schema";
import * as z from "../shared/zod";
import { fitsTransactionId, MAX_FIELD_LENGTH } from "./limits";

// The CPR admin contract's schemas, loaded with `import()` on first use (docs/architecture.md#startup).

export { appIdParamSchema, createAppSchema, rotateKeySchema, updateAppSchema } from "../admin/schema";

const requestKeyView = { keyId: z.string(), alg: z.string(), createdAt: z.string() };

/** What the admin API shows of an app (`appView`): never the key's hash, the key only when just made. */
export const appSchema = z.object({
  appId: z.string(),
  appKey: secretShownOnceSchema,
  name: z.nullable(z.string()),
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: z.int(),
  requestKeys: z.array(z.object(requestKeyView)),
  previousKeyExpiresAt: previousKeyExpiresAtSchema,
  ...timestamps,
});

/** A rotation's answer: the new appKey, shown once. */
export const appKeyRotatedSchema = z.object({
  appId: z.string(),
  appKey: z.string(),
  previousKeyExpiresAt: previousKeyExpiresAtSchema,
});

export const requestKeySchema = z.object({ appId: z.string(), ...requestKeyView });

export const transactionRevokedSchema = z.object({
  appId: z.string(),
  transactionId: z.string(),
  revocationEpoch: z.int(),
});

export const requestKeyParamsSchema = z.object({ appId: idSchema, keyId: idSchema });

export const putRequestKeySchema = z.strictObject({
  publicKey: z.string().check(z.minLength(1), z.maxLength(16_384)),
  alg: z.optional(z.enum(["RS256", "PS256", "ES256"])),
});

// transactionIds are the client's own strings (docs/cpr.md#validation), not admin ids.
export const transactionParamsSchema = z.object({
  appId: idSchema,
  transactionId: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(MAX_FIELD_LENGTH),
      z.refine(fitsTransactionId, `must be at most ${MAX_FIELD_LENGTH} bytes of UTF-8`),
    ),
});
