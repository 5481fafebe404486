import { type CryptoKey, importJWK, type JWK } from "jose";
import * as z from "zod";

/**
 * The signing key ring, parsed once per isolate from the `SIGNING_KEYS` secret (SPEC §1): a private
 * JWK set whose first key signs and whose other keys still verify until removed (rotation, README).
 */
export type SigningAlgorithm = "ES256" | "RS256" | "EdDSA";

export interface RingKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface KeyRing {
  readonly active: RingKey & { readonly privateKey: CryptoKey };
  readonly keys: ReadonlyMap<string, RingKey>;
  /** The JWK set served at `/.well-known/jwks.json`: public members only. */
  readonly jwks: { keys: JWK[] };
}

export class SigningKeysError extends Error {
  override readonly name = "SigningKeysError";
}

const privateJwkSchema = z
  .object({
    kty: z.enum(["EC", "RSA", "OKP"]),
    kid: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    alg: z.enum(["ES256", "RS256", "EdDSA"]).optional(),
    crv: z.string().optional(),
    d: z.string().min(1),
  })
  .loose();

const keySetSchema = z.object({ keys: z.array(privateJwkSchema).min(1) });

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ["kty", "crv", "x", "y"],
  RSA: ["kty", "n", "e"],
  OKP: ["kty", "crv", "x"],
};

function algorithmFor(jwk: z.infer<typeof privateJwkSchema>): SigningAlgorithm {
  const expected: SigningAlgorithm | undefined =
    jwk.kty === "EC" && jwk.crv === "P-256"
      ? "ES256"
      : jwk.kty === "RSA"
        ? "RS256"
        : jwk.kty === "OKP" && jwk.crv === "Ed25519"
          ? "EdDSA"
          : undefined;
  if (!expected || (jwk.alg && jwk.alg !== expected)) {
    throw new SigningKeysError(`SIGNING_KEYS key ${jwk.kid} has an unsupported type or algorithm`);
  }
  return expected;
}

async function parseKeyRing(secret: string | undefined): Promise<KeyRing> {
  if (!secret) throw new SigningKeysError("SIGNING_KEYS is not set");
  let json: unknown;
  try {
    json = JSON.parse(secret);
  } catch {
    throw new SigningKeysError("SIGNING_KEYS is not valid JSON");
  }
  const parsed = keySetSchema.safeParse(json);
  if (!parsed.success) throw new SigningKeysError("SIGNING_KEYS is not a private JWK set with kids");
  const keys = new Map<string, RingKey>();
  let activePrivate: CryptoKey | undefined;
  for (const [index, jwk] of parsed.data.keys.entries()) {
    if (keys.has(jwk.kid)) throw new SigningKeysError(`SIGNING_KEYS has kid ${jwk.kid} twice`);
    const alg = algorithmFor(jwk);
    const members = PUBLIC_MEMBERS[jwk.kty]!;
    const publicJwk: JWK = Object.fromEntries(
      members.map((name) => [name, (jwk as Record<string, unknown>)[name]]),
    );
    Object.assign(publicJwk, { kid: jwk.kid, alg, use: "sig" });
    try {
      const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
      keys.set(jwk.kid, { kid: jwk.kid, alg, publicKey, publicJwk });
      if (index === 0) activePrivate = (await importJWK({ ...jwk, alg }, alg)) as CryptoKey;
    } catch {
      throw new SigningKeysError(`SIGNING_KEYS key ${jwk.kid} cannot be imported`);
    }
  }
  const first = keys.get(parsed.data.keys[0]!.kid)!;
  return {
    active: { ...first, privateKey: activePrivate! },
    keys,
    jwks: { keys: [...keys.values()].map((key) => key.publicJwk) },
  };
}

let cached: { secret: string | undefined; ring: Promise<KeyRing> } | undefined;

/** The key ring for this secret value, imported once per isolate (re-imported if the secret changes). */
export function loadKeyRing(secret: string | undefined): Promise<KeyRing> {
  if (!cached || cached.secret !== secret) {
    const ring = parseKeyRing(secret);
    // A failed parse is not cached, so a fixed secret is picked up without a restart.
    ring.catch(() => {
      if (cached?.ring === ring) cached = undefined;
    });
    cached = { secret, ring };
  }
  return cached.ring;
}
