import type { JWTPayload } from "jose";
import { randomBytes } from "./crypto";
import { toHex } from "./encoding";
import { fail, ok, type Result } from "./result";
import type { KeyRing } from "./signing-keys";

const encoder = new TextEncoder();

/** Token kinds are kept apart by `typ`: a token of one kind never verifies as another. */
type TokenType = "cpr+jwt" | "upi-session+jwt";

interface IssueOptions {
  readonly typ: TokenType;
  readonly issuer: string;
  readonly audience: string;
  readonly subject: string;
  readonly lifetimeSeconds: number;
  readonly now: number;
  readonly claims: Record<string, unknown>;
}

/** Signs a JWT with the ring's active key; `jti` is 128 random bits. */
export async function issueJwt(
  ring: KeyRing,
  options: IssueOptions,
): Promise<{ jwt: string; payload: JWTPayload }> {
  const { claims, issuer: iss, audience: aud, subject: sub } = options;
  const iat = Math.floor(options.now / 1000);
  const exp = iat + options.lifetimeSeconds;
  const payload: JWTPayload = { ...claims, iss, aud, sub, iat, exp, jti: toHex(randomBytes(16)) };
  // docs/architecture.md#startup: jose loads on first use, like zod. The claims are ours and already a
  // fresh object, so they go to jose's JWS signer as the JSON bytes SignJWT would make of them, without
  // its per-token copy and claim checks (bench/README.md#what-profiling-found).
  const { CompactSign } = await import("jose/jws/compact/sign");
  const jwt = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: ring.active.alg, kid: ring.active.kid, typ: options.typ })
    .sign(ring.active.privateKey);
  return { jwt, payload };
}

export type JwtRejection = "malformed" | "unknown_key" | "bad_signature" | "expired" | "wrong_claims";

/**
 * The header's `alg` must be its key's, `exp` is required, `iss` and `typ` must match: so `alg: none`,
 * HS256-with-our-public-key and tokens of another kind all fail. `now` (ms) is for boundary tests.
 */
export async function verifyJwt(
  ring: KeyRing,
  token: string,
  expected: { typ: TokenType; issuer: string; audience?: string; now?: number },
): Promise<Result<JWTPayload, JwtRejection>> {
  const [{ jwtVerify }, errors] = await Promise.all([import("jose/jwt/verify"), import("jose/errors")]);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : ring.keys.get(header.kid);
        if (!key || header.alg !== key.alg) throw new errors.JWKSNoMatchingKey();
        return key.publicKey;
      },
      {
        issuer: expected.issuer,
        audience: expected.audience,
        typ: expected.typ,
        requiredClaims: ["exp", "iat", "sub", "aud"],
        currentDate: expected.now === undefined ? undefined : new Date(expected.now),
        algorithms: ["ES256", "RS256", "EdDSA"],
      },
    );
    return ok(payload);
  } catch (error) {
    return fail(rejectionFor(errors, error));
  }
}

function rejectionFor(errors: typeof import("jose/errors"), error: unknown): JwtRejection {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWKSNoMatchingKey) return "unknown_key";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  if (error instanceof errors.JWTClaimValidationFailed) return "wrong_claims";
  return "malformed";
}
