import type { JWTPayload } from "jose";
import { randomBytes } from "./crypto";
import { toBase64Url, toHex, utf8ToBase64Url } from "./encoding";
import { fail, ok, type Result } from "./result";
import type { KeyRing, SigningAlgorithm } from "./signing-keys";

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

/**
 * WebCrypto's signing parameters of each algorithm and what the key must be (RFC 7518 §3.3-3.4, RFC 8037
 * §3.1), the checks jose's SignJWT makes before it signs.
 */
const SIGNING: Record<
  SigningAlgorithm,
  { params: SubtleCryptoSignAlgorithm; key: { name: string; hash?: string; namedCurve?: string } }
> = {
  ES256: { params: { name: "ECDSA", hash: "SHA-256" }, key: { name: "ECDSA", namedCurve: "P-256" } },
  RS256: {
    params: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    key: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  },
  EdDSA: { params: { name: "Ed25519" }, key: { name: "Ed25519" } },
};

/** The encoded protected header per active key and `typ`, made (and the key checked) once per ring. */
const headers = new WeakMap<KeyRing["active"], Map<TokenType, string>>();

function encodedHeader(active: KeyRing["active"], typ: TokenType): string {
  let byTyp = headers.get(active);
  if (!byTyp) {
    checkSigningKey(active.alg, active.privateKey);
    byTyp = new Map();
    headers.set(active, byTyp);
  }
  let header = byTyp.get(typ);
  if (header === undefined) {
    header = utf8ToBase64Url(JSON.stringify({ alg: active.alg, kid: active.kid, typ }));
    byTyp.set(typ, header);
  }
  return header;
}

/** jose's key checks: the algorithm, curve or hash, the usage, and RSA of at least 2048 bits. */
function checkSigningKey(alg: SigningAlgorithm, key: CryptoKey): void {
  const expected = SIGNING[alg].key;
  const actual = key.algorithm as {
    name: string;
    hash?: { name: string };
    namedCurve?: string;
    modulusLength?: number;
  };
  if (
    actual.name !== expected.name ||
    (expected.hash !== undefined && actual.hash?.name !== expected.hash) ||
    (expected.namedCurve !== undefined && actual.namedCurve !== expected.namedCurve) ||
    key.type !== "private" ||
    !key.usages.includes("sign")
  ) {
    throw new TypeError(`the active signing key is not a private ${alg} signing key`);
  }
  if (alg === "RS256" && (actual.modulusLength ?? 0) < 2048) {
    throw new TypeError("RS256 requires key modulusLength to be 2048 bits or larger");
  }
}

/**
 * Signs a JWT with the ring's active key (RFC 7515 compact serialisation); `jti` is 128 random bits.
 * The same bytes jose's SignJWT makes from this header and payload, without its per-call copies, checks and
 * key preparation: tokens are minted on every hot path (bench/README.md).
 */
export async function issueJwt(
  ring: KeyRing,
  options: IssueOptions,
): Promise<{ jwt: string; payload: JWTPayload }> {
  const iat = Math.floor(options.now / 1000);
  const payload: JWTPayload = {
    ...options.claims,
    iss: options.issuer,
    aud: options.audience,
    sub: options.subject,
    iat,
    exp: iat + options.lifetimeSeconds,
    jti: toHex(randomBytes(16)),
  };
  if (!Number.isFinite(payload.iat) || !Number.isFinite(payload.exp)) {
    throw new TypeError('"iat" and "exp" claims must be finite numbers');
  }
  const signingInput = `${encodedHeader(ring.active, options.typ)}.${utf8ToBase64Url(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(
    SIGNING[ring.active.alg].params,
    ring.active.privateKey,
    encoder.encode(signingInput),
  );
  return { jwt: `${signingInput}.${toBase64Url(signature)}`, payload };
}

export type JwtRejection = "malformed" | "unknown_key" | "bad_signature" | "expired" | "wrong_claims";

/**
 * Verifies a JWT against the ring. The algorithm is pinned per key (the header's `alg` must equal
 * the key's), `exp` is required, and `iss` and `typ` must match, so `alg: none`, HS256-with-our-public-key
 * and tokens of another kind all fail. `now` (ms) is injectable for boundary tests.
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
