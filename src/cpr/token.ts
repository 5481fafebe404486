import { decodeProtectedHeader } from "jose/decode/protected_header";
import { issuerOf } from "../shared/issuers";
import { issueJwt, type JwtRejection, verifyJwt } from "../shared/jwt";
import { fail, ok, type Result } from "../shared/result";
import { signingKeyRing } from "../shared/signing-key-ring";
import type { CprTokenPayload } from "./token-schema";

const TOKEN_TYPE = "cpr+jwt";

/** The CPR-specific claims of a token (docs/cpr.md#the-token). */
interface CprClaims {
  readonly appId: string;
  readonly transactionId: string;
  readonly workflowId: string;
  readonly journeyId: string;
  readonly authenticateOnResume: "yes" | "no";
  /** The transaction's revocation epoch when the token was issued. */
  readonly rev: number;
  /**
   * The app's incarnation (docs/storage.md#incarnations): the
   * token is live only while the app record carries this one.
   */
  readonly inc: string;
  readonly uniqueId?: string;
}

/** Signs a CPR token: `aud` is the appId, `sub` the transactionId, `exp` = `iat + expiry`. */
export async function issueCprToken(
  env: Env,
  claims: CprClaims,
  expirySeconds: number,
  now: number,
): Promise<string> {
  const ring = await signingKeyRing(env);
  const { jwt } = await issueJwt(ring, {
    typ: TOKEN_TYPE,
    issuer: issuerOf(env, "cpr"),
    audience: claims.appId,
    subject: claims.transactionId,
    lifetimeSeconds: expirySeconds,
    now,
    claims: { ...claims },
  });
  return jwt;
}

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
 * (`aud` = appId, `sub` = transactionId). Liveness also needs the app's incarnation and the
 * transaction's epoch: see introspection.
 */
export async function verifyCprToken(
  env: Env,
  token: string,
  now: number,
): Promise<Result<CprTokenPayload, JwtRejection>> {
  const ring = await signingKeyRing(env);
  const verified = await verifyJwt(ring, token, { typ: TOKEN_TYPE, issuer: issuerOf(env, "cpr"), now });
  if (!verified.ok) return verified;
  const { verifiedPayloadSchema } = await import("./token-schema");
  const payload = verifiedPayloadSchema.safeParse(verified.value);
  if (!payload.success) return fail("wrong_claims");
  const claims = payload.data;
  if (claims.aud !== claims.appId || claims.sub !== claims.transactionId) return fail("wrong_claims");
  return ok(claims);
}
