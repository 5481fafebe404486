import { decodeProtectedHeader } from "jose";
import * as z from "zod";
import { issueJwt, type JwtRejection, verifyJwt } from "../shared/jwt";
import { fail, ok, type Result } from "../shared/result";
import { loadKeyRing } from "../shared/signing-keys";

const TOKEN_TYPE = "cpr+jwt";

/** The CPR-specific claims of a token (SPEC §3 item 6). */
export interface CprClaims {
  readonly appId: string;
  readonly transactionId: string;
  readonly workflowId: string;
  readonly journeyId: string;
  readonly authenticateOnResume: "yes" | "no";
  /** The transaction's revocation epoch when the token was issued. */
  readonly rev: number;
  readonly uniqueId?: string;
}

/** Signs a CPR token: `aud` is the appId, `sub` the transactionId, `exp` = `iat + expiry`. */
export async function issueCprToken(
  env: Env,
  claims: CprClaims,
  expirySeconds: number,
  now: number,
): Promise<string> {
  const ring = await loadKeyRing(env.SIGNING_KEYS);
  const { jwt } = await issueJwt(ring, {
    typ: TOKEN_TYPE,
    issuer: env.ISSUER,
    audience: claims.appId,
    subject: claims.transactionId,
    lifetimeSeconds: expirySeconds,
    now,
    claims: { ...claims },
  });
  return jwt;
}

const verifiedPayloadSchema = z.object({
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
  rev: z.number().int().nonnegative(),
  uniqueId: z.string().optional(),
});
export type CprTokenPayload = z.infer<typeof verifiedPayloadSchema>;

/** True when the string is a JWT whose header says `typ: cpr+jwt` (a cheap, unverified test). */
export function looksLikeCprToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === TOKEN_TYPE;
  } catch {
    return false;
  }
}

/**
 * Verifies signature, `typ`, issuer and expiry, and that the claims are ours and consistent
 * (`aud` = appId, `sub` = transactionId). Liveness also needs the transaction's epoch: see introspection.
 */
export async function verifyCprToken(
  env: Env,
  token: string,
  now: number,
): Promise<Result<CprTokenPayload, JwtRejection>> {
  const ring = await loadKeyRing(env.SIGNING_KEYS);
  const verified = await verifyJwt(ring, token, { typ: TOKEN_TYPE, issuer: env.ISSUER, now });
  if (!verified.ok) return verified;
  const payload = verifiedPayloadSchema.safeParse(verified.payload);
  if (!payload.success) return fail("wrong_claims");
  const claims = payload.data;
  if (claims.aud !== claims.appId || claims.sub !== claims.transactionId) return fail("wrong_claims");
  return ok(claims);
}
