import { SIGNING_ALGORITHMS } from "../shared/signing-keys";
import { kidSchema } from "../shared/signing-keys-schema";
import * as z from "../shared/zod";

/** The signing-key admin routes' schemas (docs/operations.md#signing-keys), loaded on first use. */

/** `POST /admin/v1/signing-keys/rotate` (docs/operations.md#rotate-now): both members optional. */
export const rotateSigningKeysSchema = z.strictObject({
  alg: z
    .optional(z.enum(SIGNING_ALGORITHMS))
    .check(z.describe("Algorithm of the new `next` key; default: the current next's.")),
  force: z
    .optional(z.boolean())
    .check(z.describe("Rotate even when `next` has not been published long enough.")),
});

/** `POST /admin/v1/signing-keys/import`: one private JWK in the `SIGNING_KEYS` format. */
export const importSigningKeySchema = z.strictObject({
  keys: z.array(z.record(z.string(), z.unknown())).check(z.length(1, "must hold exactly one private JWK")),
});

export const kidParamSchema = z.object({ kid: kidSchema });

/**
 * The event log's paging (the form of docs/admin.md#event-log):
 * newest first, `before` the cursor of the last page.
 */
export const signingKeyEventsQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  before: z.optional(z.string().check(z.regex(/^[1-9]\d{0,15}$/, "must be a cursor from an earlier page"))),
});
