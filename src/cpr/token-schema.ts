import { LEGACY_INCARNATION } from "../shared/incarnation";
import * as z from "../shared/zod";

/** A verified CPR token's payload (docs/cpr.md#the-token), loaded with `import()` on the first verification. */
export const verifiedPayloadSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.string(),
  iat: z.number(),
  exp: z.number(),
  jti: z.string(),
  appId: z.string(),
  transactionId: z.string(),
  workflowId: z.string(),
  journeyId: z.string(),
  authenticateOnResume: z.enum(["yes", "no"]),
  rev: z.number().check(z.int(), z.nonnegative()),
  // Tokens issued before incarnations existed carry none: they belong to the legacy incarnation.
  inc: z._default(z.string(), LEGACY_INCARNATION),
  uniqueId: z.optional(z.string()),
});
export type CprTokenPayload = z.infer<typeof verifiedPayloadSchema>;
