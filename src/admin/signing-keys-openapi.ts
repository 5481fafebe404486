import * as z from "zod";
import type { AdminOperation } from "./operation-openapi";
import {
  importSigningKeySchema,
  kidParamSchema,
  rotateSigningKeysSchema,
  signingKeyEventsQuerySchema,
} from "./signing-keys-schema";

/**
 * The signing key store's admin operations
 * (docs/operations.md#signing-keys), spread into the admin API's list.
 */

const keyViewSchema = z.object({
  kid: z.string(),
  alg: z.enum(["ES256", "RS256", "EdDSA"]),
  state: z.enum(["next", "active", "retired"]),
  origin: z.enum(["generated", "imported"]),
  publishedAt: z.string().describe("When the key entered the store and the JWKS."),
  signsFrom: z
    .string()
    .optional()
    .describe("`next` only: the earliest time a rotation may make it active unforced."),
  activatedAt: z.string().optional(),
  retiredAt: z.string().optional(),
  removeAt: z
    .string()
    .optional()
    .describe("`retired` only: when it leaves the JWKS (every token it signed expired)."),
});

const keysSchema = {
  keys: z
    .array(keyViewSchema)
    .describe("Active first, then next, then retired (newest first). No private member."),
  schedule: z.object({
    rotationDays: z.number().int().describe("SIGNING_KEY_ROTATION_DAYS; 0: no scheduled rotation."),
    rotationDueAt: z.string().nullable(),
    publishBeforeSigningSeconds: z.number().int(),
    retiredKeyRetentionSeconds: z.number().int(),
  }),
};

const listSchema = z.object(keysSchema);

const eventSchema = z.object({
  id: z.string(),
  at: z.string(),
  type: z.enum(["imported", "generated", "rotated", "revoked", "removed", "repaired"]),
  kid: z.string(),
  trigger: z.enum(["admin", "schedule", "startup", "alarm"]),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.boolean()])),
});

export const SIGNING_KEY_OPERATIONS: AdminOperation[] = [
  {
    method: "get",
    path: "/signing-keys",
    operationId: "listSigningKeys",
    summary: "List the signing keys",
    description:
      "Every key of the store with its state and times (docs/operations.md#key-states). The first call on an empty store imports SIGNING_KEYS, or generates an ES256 key when it is not set.",
    success: { status: 200, description: "The keys and the rotation schedule.", schema: listSchema },
    errors: [],
  },
  {
    method: "post",
    path: "/signing-keys/rotate",
    operationId: "rotateSigningKeys",
    summary: "Rotate the signing keys now",
    description:
      "`next` becomes active, the active key is retired (published until every token it signed has expired) and a new `next` is published. Refused with 409 `too_early` while `next` has been published for less than the JWKS max-age plus stale-while-revalidate plus the 60 s key cache (420 s), unless `force` is true: a forced rotation signs with a key that verifiers holding an older JWKS do not know yet.",
    body: { schema: rotateSigningKeysSchema, example: { alg: "ES256" } },
    success: {
      status: 200,
      description: "Rotated: the kids that moved, then the keys.",
      schema: z.object({
        rotated: z.object({ retired: z.string(), active: z.string(), next: z.string(), forced: z.boolean() }),
        ...keysSchema,
      }),
    },
    errors: ["invalid_request", "too_early"],
  },
  {
    method: "post",
    path: "/signing-keys/import",
    operationId: "importSigningKey",
    summary: "Bring your own signing key",
    description:
      "Publishes one private JWK (ES256, RS256 or EdDSA, with a kid) as the `next` key in place of the generated one; it signs from the next rotation, like any `next` key. The private half is sealed at rest and never returned.",
    body: {
      schema: importSigningKeySchema,
      example: {
        keys: [{ kty: "EC", crv: "P-256", x: "…", y: "…", d: "…", kid: "byok-2026-12", alg: "ES256" }],
      },
    },
    success: {
      status: 201,
      description: "Imported as next.",
      schema: z.object({ imported: z.string(), ...keysSchema }),
    },
    errors: ["invalid_request", "conflict"],
  },
  {
    method: "post",
    path: "/signing-keys/{kid}/revoke",
    operationId: "revokeSigningKey",
    summary: "Revoke a signing key at once",
    description:
      "Removes the key from the store and the JWKS (compromise): tokens it signed stop verifying and introspect inactive at once in the Worker isolate that served the revocation and within 60 s everywhere (each isolate caches the keys for 60 s). Revoking the active key promotes `next` at once (forced, before its publication time) and publishes a new `next`; revoking `next` publishes a new one. The store always keeps an active and a next key, so no revocation leaves it without a signing key: revoke the active key twice to replace every key made before a compromise.",
    params: kidParamSchema,
    success: {
      status: 200,
      description:
        "Revoked; `promoted` and `forced` when it was the active key, `next` when a new next key was made.",
      schema: z.object({
        revoked: z.string(),
        state: z.enum(["next", "active", "retired"]),
        promoted: z.string().optional(),
        forced: z.literal(true).optional(),
        next: z.string().optional(),
        ...keysSchema,
      }),
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "get",
    path: "/signing-keys/events",
    operationId: "listSigningKeyEvents",
    summary: "Read the signing key event log",
    description:
      "Imports, generations, rotations (manual and scheduled), revocations, removals and repairs, newest first. `next` is the cursor for `before`, null on the last page.",
    query: signingKeyEventsQuerySchema,
    success: {
      status: 200,
      description: "One page of events.",
      schema: z.object({ events: z.array(eventSchema), next: z.string().nullable() }),
    },
    errors: ["invalid_request"],
  },
];
