import * as z from "zod";
import { SIGNING_ALGORITHMS } from "../shared/signing-keys";
import { kidSchema } from "../shared/signing-keys-schema";

/** The signing-key admin routes' schemas (docs/operations.md#signing-keys), loaded on first use. */

/** `POST /admin/v1/signing-keys/rotate` (docs/operations.md#rotate-now): both members optional. */
export const rotateSigningKeysSchema = z.strictObject({
  alg: z
    .enum(SIGNING_ALGORITHMS)
    .optional()
    .describe("Algorithm of the new `next` key; default: the current next's."),
  force: z.boolean().optional().describe("Rotate even when `next` has not been published long enough."),
});

/** `POST /admin/v1/signing-keys/import`: one private JWK in the `SIGNING_KEYS` format. */
export const importSigningKeySchema = z.strictObject({
  keys: z.array(z.record(z.string(), z.unknown())).length(1, "must hold exactly one private JWK"),
});

export const kidParamSchema = z.object({ kid: kidSchema });

/**
 * The event log's paging (the form of docs/admin.md#event-log):
 * newest first, `before` the cursor of the last page.
 */
export const signingKeyEventsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, "must be a cursor from an earlier page")
    .optional(),
});
