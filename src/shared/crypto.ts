import { BoundedCache, remembered } from "./bounded-cache";
import { toBase64Url, toHex } from "./encoding";

const encoder = new TextEncoder();

/** `count` bytes from the platform CSPRNG. */
export function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** A fresh API secret (appKey, merchant API key): 256 bits from the CSPRNG, base64url. */
export function generateSecret(): string {
  return toBase64Url(randomBytes(32));
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random string over [A-Za-z0-9] without modulo bias (rejection sampling). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** SHA-256 of a UTF-8 string, as lowercase hex: how secrets and tokens are stored. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

// Keyed by the secret: a handful per deployment (the pepper, the unique-id secret).
const hmacKeys = new BoundedCache<Promise<CryptoKey>>(16);

function hmacKey(secret: string): Promise<CryptoKey> {
  return remembered(hmacKeys, secret, () =>
    crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]),
  );
}

/** HMAC-SHA256 keyed by a secret string; the imported key is cached per isolate. */
export async function hmacSha256(secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(message)));
}

/**
 * Constant-time equality of any two strings: both are hashed to fixed-length digests first, so neither
 * content nor length leaks through timing (docs/http.md#constant-time).
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}

/** Constant-time equality of two lowercase hex digests of the same algorithm. */
export function digestsEqual(a: string, b: string): boolean {
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  return ea.byteLength === eb.byteLength && crypto.subtle.timingSafeEqual(ea, eb);
}

/** A fresh tenant incarnation, 128 random bits (docs/storage.md#incarnations). */
export function newIncarnation(): string {
  return toHex(randomBytes(16));
}
