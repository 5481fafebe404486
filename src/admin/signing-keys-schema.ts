import { SIGNING_ALGORITHMS } from "../shared/signing-keys";
import { kidSchema } from "../shared/signing-keys-schema";
import * as z from "../shared/zod";

// The signing-key admin routes' schemas (docs/operations.md#signing-keys), loaded on first use.

/** `POST /admin/v1/signing-keys/rotate` (docs/operations.md#rotate-now). */
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

/** The event log's paging, in the form of docs/admin.md#event-log. */
export const signingKeyEventsQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  before: z.optional(z.string().check(z.regex(/^[1-9]\d{0,15}$/, "must be a cursor from an earlier page"))),
});

const keyStateSchema = z.enum(["next", "active", "retired"]);

/** A key as the admin API shows it (`keyView`): no sealed or private member. */
const signingKeyViewSchema = z.object({
  kid: z.string(),
  alg: z.enum(SIGNING_ALGORITHMS),
  state: keyStateSchema,
  origin: z.enum(["generated", "imported"]),
  publishedAt: z.string().check(z.describe("When the key entered the store and the JWKS.")),
  signsFrom: z
    .optional(z.string())
    .check(z.describe("`next` only: the earliest time a rotation may make it active unforced.")),
  activatedAt: z.optional(z.string()),
  retiredAt: z.optional(z.string()),
  removeAt: z
    .optional(z.string())
    .check(z.describe("`retired` only: when it leaves the JWKS (every token it signed expired).")),
});

/** The keys and the rotation schedule (`keysView`), in every answer that changes or lists them. */
const keysView = {
  keys: z
    .array(signingKeyViewSchema)
    .check(z.describe("Active first, then next, then retired (newest first). No private member.")),
  schedule: z.object({
    rotationDays: z.int().check(z.describe("SIGNING_KEY_ROTATION_DAYS; 0: no scheduled rotation.")),
    rotationDueAt: z.nullable(z.string()),
    publishBeforeSigningSeconds: z.int(),
    retiredKeyRetentionSeconds: z.int(),
  }),
};

export const signingKeysSchema = z.object(keysView);

export const signingKeysRotatedSchema = z.object({
  rotated: z.object({ retired: z.string(), active: z.string(), next: z.string(), forced: z.boolean() }),
  ...keysView,
});

export const signingKeyImportedSchema = z.object({ imported: z.string(), ...keysView });

export const signingKeyRevokedSchema = z.object({
  revoked: z.string(),
  state: keyStateSchema,
  promoted: z.optional(z.string()),
  forced: z.optional(z.literal(true)),
  next: z.optional(z.string()),
  ...keysView,
});

const signingKeyEventSchema = z.object({
  id: z.string(),
  at: z.string(),
  type: z.enum(["imported", "generated", "rotated", "revoked", "removed", "repaired"]),
  kid: z.string(),
  trigger: z.enum(["admin", "schedule", "startup", "alarm"]),
  requestId: z.nullable(z.string()),
  details: z.record(z.string(), z.union([z.string(), z.boolean()])),
});

export const signingKeyEventPageSchema = z.object({
  events: z.array(signingKeyEventSchema),
  next: z.nullable(z.string()),
});
