import { SIGNING_ALGORITHMS } from "./signing-keys";
import * as z from "./zod";

// The `SIGNING_KEYS` format (docs/operations.md#signing-keys) and its kids, loaded on first use.

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A kid: 1-64 of `A-Z a-z 0-9 . _ -`, and not `.` or `..`, which a URL path cannot carry (revoke). */
export const kidSchema = z.string().check(
  z.regex(KID_PATTERN, "must be 1-64 characters of A-Z a-z 0-9 . _ -"),
  z.refine((kid) => kid !== "." && kid !== "..", "must not be . or .."),
);

export const privateJwkSchema = z.looseObject({
  kty: z.enum(["EC", "RSA", "OKP"]),
  kid: kidSchema,
  alg: z.optional(z.enum(SIGNING_ALGORITHMS)),
  crv: z.optional(z.string()),
  d: z.string().check(z.minLength(1)),
});

export const keySetSchema = z.object({ keys: z.array(privateJwkSchema).check(z.minLength(1)) });
