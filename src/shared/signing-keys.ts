import type { CryptoKey, JWK } from "jose";
import { toHex } from "./encoding";
import type { privateJwkSchema } from "./signing-keys-schema";
import type * as z from "./zod";

// Signing keys as the hot paths use them: the active key signs, every published key verifies
// (docs/tokens.md#verifying-a-token, docs/operations.md#signing-keys); and the `SIGNING_KEYS` parser.
export type SigningAlgorithm = "ES256" | "RS256" | "EdDSA";

export const SIGNING_ALGORITHMS = ["ES256", "RS256", "EdDSA"] as const satisfies readonly SigningAlgorithm[];

type RingKey = PublishedKey & { readonly publicKey: CryptoKey };

export interface KeyRing {
  readonly active: RingKey & { readonly privateKey: CryptoKey };
  readonly keys: ReadonlyMap<string, RingKey>;
  /** The JWK set served at `/.well-known/jwks.json`: public members only. */
  readonly jwks: { keys: JWK[] };
  /** `jwks` serialised once, and its strong ETag: the JWKS route serves them as they are. */
  readonly jwksBody: string;
  readonly jwksEtag: string;
}

export class SigningKeysError extends Error {
  override readonly name = "SigningKeysError";
}

// The JWKS `Cache-Control`: a new `next` key reaches verifiers well before it signs, with no fetch per token.
export const JWKS_MAX_AGE_SECONDS = 300;
export const JWKS_STALE_SECONDS = 60;
export const JWKS_CACHE_CONTROL = `public, max-age=${JWKS_MAX_AGE_SECONDS}, stale-while-revalidate=${JWKS_STALE_SECONDS}`;

/** A private key with its public half, ready to be sealed into the store or signed with. */
export interface KeyMaterial {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
}

const PUBLIC_MEMBERS: Record<string, readonly string[]> = {
  EC: ["kty", "crv", "x", "y"],
  RSA: ["kty", "n", "e"],
  OKP: ["kty", "crv", "x"],
};

const ALGORITHM_OF: Readonly<Record<string, SigningAlgorithm>> = {
  "EC P-256": "ES256",
  RSA: "RS256",
  "OKP Ed25519": "EdDSA",
};

function algorithmFor(jwk: z.infer<typeof privateJwkSchema>, source: string): SigningAlgorithm {
  const expected = ALGORITHM_OF[jwk.kty === "RSA" ? "RSA" : `${jwk.kty} ${jwk.crv}`];
  if (!expected || (jwk.alg && jwk.alg !== expected)) {
    throw new SigningKeysError(`${source} key ${jwk.kid} has an unsupported type or algorithm`);
  }
  return expected;
}

/** The public members of a private JWK, with `kid`, `alg` and `use` (no private member is copied). */
export function publicJwkOf(jwk: JWK, kid: string, alg: SigningAlgorithm): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ""] ?? [];
  const publicJwk = Object.fromEntries(members.map((name) => [name, (jwk as Record<string, unknown>)[name]]));
  return { ...publicJwk, kid, alg, use: "sig" };
}

type PublishedKey = Pick<KeyMaterial, "kid" | "alg" | "publicJwk">;

async function importKey({ kid, alg }: PublishedKey, jwk: JWK, source: string): Promise<CryptoKey> {
  try {
    // docs/architecture.md#startup: jose loads on first use, like zod.
    const { importJWK } = await import("jose/key/import");
    return (await importJWK(jwk, alg)) as CryptoKey;
  } catch {
    throw new SigningKeysError(`${source} key ${kid} cannot be imported`);
  }
}

const importPrivateKey = (key: KeyMaterial, source: string) =>
  importKey(key, { ...key.privateJwk, alg: key.alg }, source);

async function ringKeyOf(key: PublishedKey, source: string): Promise<RingKey> {
  const publicKey = await importKey(key, key.publicJwk, source);
  return { kid: key.kid, alg: key.alg, publicKey, publicJwk: key.publicJwk };
}

/**
 * A ring from the signing key and every published key (the signing key among them), in JWKS order.
 * `source` names where the keys came from in error messages.
 */
export async function buildKeyRing(
  signing: KeyMaterial,
  published: readonly PublishedKey[],
  source: string,
): Promise<KeyRing> {
  const keys = new Map<string, RingKey>();
  for (const key of published) keys.set(key.kid, await ringKeyOf(key, source));
  const active = keys.get(signing.kid);
  if (!active) throw new SigningKeysError(`${source} key ${signing.kid} signs but is not published`);
  const jwks = { keys: [...keys.values()].map((key) => key.publicJwk) };
  const jwksBody = JSON.stringify(jwks);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(jwksBody));
  const jwksEtag = `"${toHex(digest).slice(0, 32)}"`;
  const privateKey = await importPrivateKey(signing, source);
  return { active: { ...active, privateKey }, keys, jwks, jwksBody, jwksEtag };
}

/** Parses a `SIGNING_KEYS`-format set in order; error messages name `source`, never key material. */
export async function parseSigningKeys(
  text: string | undefined,
  source = "SIGNING_KEYS",
): Promise<KeyMaterial[]> {
  if (!text) throw new SigningKeysError(`${source} is not set`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SigningKeysError(`${source} is not valid JSON`);
  }
  const { keySetSchema } = await import("./signing-keys-schema");
  const parsed = keySetSchema.safeParse(json);
  if (!parsed.success) throw new SigningKeysError(`${source} is not a private JWK set with kids`);
  const keys: KeyMaterial[] = [];
  for (const jwk of parsed.data.keys) {
    if (keys.some((key) => key.kid === jwk.kid)) {
      throw new SigningKeysError(`${source} has kid ${jwk.kid} twice`);
    }
    const alg = algorithmFor(jwk, source);
    const privateJwk = jwk as JWK;
    const material = { kid: jwk.kid, alg, publicJwk: publicJwkOf(privateJwk, jwk.kid, alg), privateJwk };
    // Every private half must import, not only the first: an imported key may sign later.
    await importPrivateKey(material, source);
    await ringKeyOf(material, source);
    keys.push(material);
  }
  return keys;
}

/** For tests and tools: a ring straight from a `SIGNING_KEYS`-format set, whose first key signs. */
export async function keyRingFromSet(text: string | undefined, source = "SIGNING_KEYS"): Promise<KeyRing> {
  const keys = await parseSigningKeys(text, source);
  return buildKeyRing(keys[0]!, keys, source);
}
