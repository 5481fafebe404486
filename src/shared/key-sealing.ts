import type { JWK } from "jose";
import { BoundedCache, remembered } from "./bounded-cache";
import { fromBase64, toBase64Url, toHex } from "./encoding";

/**
 * A private signing key at rest (docs/operations.md#signing-keys): AES-256-GCM under an HKDF of
 * `KEY_ENCRYPTION_SECRET`; the kid is the additional data, so a sealed key cannot be moved under another kid.
 * `check` (a second HKDF output, not the AES key) tells a changed secret from a corrupt record in the log.
 */
export type SealedKey = { readonly v: 1; readonly iv: string; readonly ct: string; readonly check: string };

class KeySealingError extends Error {
  override readonly name = "KeySealingError";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SALT = encoder.encode("authedge/signing-keys/v1");

type Derived = { readonly aes: CryptoKey; readonly check: string };

// Keyed by the secret: one, or two while it is being changed.
const derivedKeys = new BoundedCache<Promise<Derived>>(16);

async function derive(secret: string): Promise<Derived> {
  const base = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, [
    "deriveKey",
    "deriveBits",
  ]);
  const hkdf = (info: string) => ({ name: "HKDF", hash: "SHA-256", salt: SALT, info: encoder.encode(info) });
  const [aes, check] = await Promise.all([
    crypto.subtle.deriveKey(hkdf("aes-256-gcm"), base, { name: "AES-GCM", length: 256 }, false, [
      "encrypt",
      "decrypt",
    ]),
    crypto.subtle.deriveBits(hkdf("key-check"), base, 64),
  ]);
  return { aes, check: toHex(check) };
}

function derivedFor(secret: string | undefined): Promise<Derived> {
  // docs/http.md#internal-faults: a missing secret is a fault, never an unencrypted key.
  if (!secret) return Promise.reject(new KeySealingError("KEY_ENCRYPTION_SECRET is not set"));
  return remembered(derivedKeys, secret, () => derive(secret));
}

/** Encrypts a private JWK under the secret, bound to its kid. */
export async function sealPrivateKey(secret: string | undefined, kid: string, jwk: JWK): Promise<SealedKey> {
  const { aes, check } = await derivedFor(secret);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(kid) },
    aes,
    encoder.encode(JSON.stringify(jwk)),
  );
  return { v: 1, iv: toBase64Url(iv), ct: toBase64Url(ct), check };
}

/** Decrypts a sealed private JWK; a changed secret or a corrupt record is a `KeySealingError`. */
export async function openPrivateKey(
  secret: string | undefined,
  kid: string,
  sealed: SealedKey,
): Promise<JWK> {
  const { aes, check } = await derivedFor(secret);
  if (sealed.check !== check) {
    throw new KeySealingError(
      `KEY_ENCRYPTION_SECRET is not the secret that sealed signing key ${kid} (was it changed?)`,
    );
  }
  try {
    const iv = fromBase64(sealed.iv);
    const ciphertext = fromBase64(sealed.ct);
    if (!iv || !ciphertext) throw new Error("not base64url");
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(kid) },
      aes,
      ciphertext,
    );
    return JSON.parse(decoder.decode(plain)) as JWK;
  } catch {
    throw new KeySealingError(`signing key ${kid} cannot be decrypted: its sealed record is corrupt`);
  }
}
