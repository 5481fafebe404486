import { BoundedCache, remembered } from "../shared/bounded-cache";
import { randomBytes, sha256Hex } from "../shared/crypto";
import { fromHex, toHex } from "../shared/encoding";

// Portal tokens (seed 001, docs/portal.md#tokens-and-refresh); storage sees only their SHA-256 and a copy
// sealed under a key derived from PASSWORD_PEPPER, so a dump without the secret yields nothing to replay
// (docs/portal.md#token-storage).
const TOKEN_PATTERN = /^[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$/;

export function generatePortalToken(): string {
  const hex = toHex(randomBytes(16));
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("_");
}

/** True for the seed's token shape (lowercase only). */
export function isPortalToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

export function portalTokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

const encoder = new TextEncoder();
const IV_BYTES = 12;
// Keyed by the pepper: one per deployment.
const sealKeys = new BoundedCache<Promise<CryptoKey>>(16);
// A distinct `info` keeps this key apart from the pepper's other use (password HMAC).
const SEAL_KEY_DERIVATION = {
  name: "HKDF",
  hash: "SHA-256",
  salt: new Uint8Array(0),
  info: encoder.encode("authedge portal token seal v1"),
};

function sealKey(pepper: string): Promise<CryptoKey> {
  return remembered(sealKeys, pepper, async () => {
    const ikm = await crypto.subtle.importKey("raw", encoder.encode(pepper), "HKDF", false, ["deriveKey"]);
    const sealing = { name: "AES-GCM", length: 256 };
    return crypto.subtle.deriveKey(SEAL_KEY_DERIVATION, ikm, sealing, false, ["encrypt", "decrypt"]);
  });
}

/** Bound to the token's hash (AAD), so a sealed value cannot be moved. */
function gcm(iv: Uint8Array, tokenHash: string) {
  return { name: "AES-GCM", iv, additionalData: encoder.encode(tokenHash) };
}

export async function sealPortalToken(token: string, tokenHash: string, pepper: string): Promise<string> {
  const iv = randomBytes(IV_BYTES);
  const key = await sealKey(pepper);
  const ciphertext = await crypto.subtle.encrypt(gcm(iv, tokenHash), key, encoder.encode(token));
  return `${toHex(iv)}.${toHex(ciphertext)}`;
}

/** Opens a sealed token; a value that does not open (wrong pepper, tampering) is a fault. */
export async function unsealPortalToken(sealed: string, tokenHash: string, pepper: string): Promise<string> {
  const [ivHex = "", ciphertextHex = ""] = sealed.split(".");
  const iv = fromHex(ivHex);
  const ciphertext = fromHex(ciphertextHex);
  if (!iv || !ciphertext) throw new Error("sealed portal token is not hex");
  const plaintext = await crypto.subtle.decrypt(gcm(iv, tokenHash), await sealKey(pepper), ciphertext);
  return new TextDecoder().decode(plaintext);
}
