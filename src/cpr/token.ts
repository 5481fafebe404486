import { decodeProtectedHeader } from "jose/decode/protected_header";
import { issuerOf } from "../shared/issuers";
import { issueJwt, type JwtRejection, verifyJwt } from "../shared/jwt";
import { fail, ok, type Result } from "../shared/result";
import { signingKeyRing } from "../shared/signing-key-ring";
import type { CprTokenPayload } from "./token-schema";

const TOKEN_TYPE = "cpr+jwt";

/** docs/cpr.md#the-token: `rev` is the transaction's revocation epoch, `inc` the app's incarnation. */
type CprClaims = Omit<CprTokenPayload, "iss" | "sub" | "aud" | "iat" | "exp" | "jti">;

/** Signs a CPR token: `aud` is the appId, `sub` the transactionId, `exp` = `iat + expiry`. */
export async function issueCprToken(env: Env, claims: CprClaims, expirySeconds: number, now: number) {
  const ring = await signingKeyRing(env);
  const { jwt } = await issueJwt(ring, {
    typ: TOKEN_TYPE,
    issuer: issuerOf(env, "cpr"),
    audience: claims.appId,
    subject: claims.transactionId,
    lifetimeSeconds: expirySeconds,
    now,
    claims,
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

/** Verifies signature, `typ`, issuer, expiry and the claims (liveness: introspection.ts). */
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
