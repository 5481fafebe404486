import { z } from "zod";
import { recordKind } from "./config-store";

/**
 * Every configuration record kept in KV, with its key prefix (README, "Storage"). Secrets are never
 * stored: only their SHA-256.
 */

const timestamps = { createdAt: z.string(), updatedAt: z.string() };

/** Public key an app registered for CPR request signatures (SPEC §3.1). */
export const requestKeySchema = z.object({
  alg: z.enum(["RS256", "PS256", "ES256"]),
  publicKeyPem: z.string(),
  createdAt: z.string(),
});
export type RequestKey = z.infer<typeof requestKeySchema>;

export const appRecordSchema = z.object({
  appId: z.string(),
  name: z.string().optional(),
  appKeySha256: z.string(),
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: z.number().int().positive(),
  requestKeys: z.record(z.string(), requestKeySchema),
  ...timestamps,
});
export type AppRecord = z.infer<typeof appRecordSchema>;

/** `app:<appId>`: a CPR tenant. */
export const APPS = recordKind("app", appRecordSchema);
