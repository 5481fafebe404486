import * as z from "zod";
import { SIGNING_ALGORITHMS } from "./signing-keys";

/**
 * The `SIGNING_KEYS` format (a private JWK set, docs/operations.md#signing-keys) and its kids, loaded when a
 * set is parsed or an admin route checks a kid (docs/architecture.md#startup).
 */

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A kid: 1-64 of `A-Z a-z 0-9 . _ -`, and not `.` or `..`, which a URL path cannot carry (revoke). */
export const kidSchema = z
  .string()
  .regex(KID_PATTERN, "must be 1-64 characters of A-Z a-z 0-9 . _ -")
  .refine((kid) => kid !== "." && kid !== "..", "must not be . or ..");

export const privateJwkSchema = z
  .object({
    kty: z.enum(["EC", "RSA", "OKP"]),
    kid: kidSchema,
    alg: z.enum(SIGNING_ALGORITHMS).optional(),
    crv: z.string().optional(),
    d: z.string().min(1),
  })
  .loose();

export const keySetSchema = z.object({ keys: z.array(privateJwkSchema).min(1) });
