import { idSchema } from "../shared/id-schema";
import * as z from "../shared/zod";
import { fitsTransactionId, MAX_FIELD_LENGTH } from "./limits";

/**
 * The CPR admin routes' schemas (docs/admin.md#apps), loaded with `import()` on their first request
 * (docs/architecture.md#startup).
 */

export const requestKeyParamsSchema = z.object({ appId: idSchema, keyId: idSchema });

export const putRequestKeySchema = z.strictObject({
  publicKey: z.string().check(z.minLength(1), z.maxLength(16_384)),
  alg: z.optional(z.enum(["RS256", "PS256", "ES256"])),
});

// transactionIds are the client's own strings (docs/cpr.md#validation:
// up to 256 characters and UTF-8 bytes), not admin ids.
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
