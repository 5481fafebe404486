import { LEGACY_INCARNATION } from "./incarnation";
import * as z from "./zod";

// The schemas of the KV records of `config-records.ts` (docs/storage.md#kv-records), loaded on first use.

const timestamps = { createdAt: z.string(), updatedAt: z.string() };

const positiveInt = () => z.number().check(z.int(), z.positive());

// docs/storage.md#incarnations: a record from before incarnations reads as the legacy incarnation.
const incarnation = z._default(z.string(), LEGACY_INCARNATION);

/** Public key an app registered for CPR request signatures (docs/cpr.md#request-signatures). */
export const requestKeySchema = z.object({
  alg: z.enum(["RS256", "PS256", "ES256"]),
  publicKeyPem: z.string(),
  createdAt: z.string(),
});

// docs/admin.md#grace-rotation: the previous secret authenticates until `previousKeyExpiresAt`.
const gracePeriod = { previousKeyExpiresAt: z.optional(z.string()) };

export const appRecordSchema = z.object({
  appId: z.string(),
  name: z.optional(z.string()),
  appKeySha256: z.string(),
  previousAppKeySha256: z.optional(z.string()),
  ...gracePeriod,
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: positiveInt(),
  requestKeys: z.record(z.string(), requestKeySchema),
  incarnation,
  ...timestamps,
});

/** A UPI merchant (docs/upi.md); `ipAllowlist` absent means no IP restriction. */
export const merchantRecordSchema = z.object({
  merchantId: z.string(),
  apiKeySha256: z.string(),
  previousApiKeySha256: z.optional(z.string()),
  ...gracePeriod,
  prefix: z.string(),
  signatureMaxAgeSeconds: positiveInt(),
  clientAuthTokenMaxUses: positiveInt(),
  ipAllowlist: z.optional(z.array(z.string())),
  incarnation,
  ...timestamps,
});

/**
 * An RSA public key a merchant signs `signaturePayload`s with; a retired key verifies nothing, and
 * neither does a key registered by an earlier merchant under the same id (its incarnation differs).
 */
export const merchantKeyRecordSchema = z.object({
  merchantId: z.string(),
  merchantKeyId: z.string(),
  publicKeyPem: z.string(),
  modulusBits: z.number().check(z.int()),
  status: z.enum(["active", "retired"]),
  incarnation,
  ...timestamps,
});

/** A portal organization (docs/portal.md#ip-allowlist): `ipAllowlist` absent means no restriction. */
export const orgRecordSchema = z.object({
  id: positiveInt(),
  name: z.string(),
  uuid: z.string(),
  description: z.nullable(z.string()),
  product: z.string(),
  url: z.nullable(z.string()),
  hideName: z.boolean(),
  tokenTtlSeconds: positiveInt(),
  ipAllowlist: z.optional(z.array(z.string())),
  ...timestamps,
});

/** `credentialVersion` must equal the user object's: a stale KV copy cannot log in. */
export const portalUserRecordSchema = z.object({
  email: z.string(),
  organizationId: positiveInt(),
  passwordHash: z.string(),
  disabled: z.boolean(),
  credentialVersion: positiveInt(),
  ...timestamps,
});
