import { hmacSha256, randomBytes } from "../shared/crypto";
import { fromBase64, toBase64 } from "../shared/encoding";

// `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`: the parameters travel with the hash, so they can be
// raised on the next good login (docs/portal.md#passwords).

/** The Workers production maximum for PBKDF2 (local workerd does not enforce it: a test pins it). */
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
export const MAX_PASSWORD_LENGTH = 128;
const HASH_BITS = 256;
const SCHEME = "pbkdf2-sha256";

function parseStoredHash(stored: string) {
  const [scheme, iterations, salt = "", hash = "", ...rest] = stored.split("$");
  if (scheme !== SCHEME || rest.length > 0 || !/^[1-9][0-9]{0,8}$/.test(iterations ?? "")) return undefined;
  const saltBytes = fromBase64(salt);
  const hashBytes = fromBase64(hash);
  return saltBytes && hashBytes
    ? { iterations: Number(iterations), salt: saltBytes, hash: hashBytes }
    : undefined;
}

async function derive(password: string, pepper: string, salt: Uint8Array, iterations: number) {
  if (!pepper) throw new Error("PASSWORD_PEPPER is not set");
  // The pepper is mixed in first, so a stolen KV dump alone cannot be brute-forced; the HMAC also
  // makes the PBKDF2 input 32 bytes whatever the password's length.
  const peppered = await hmacSha256(pepper, password);
  const key = await crypto.subtle.importKey("raw", peppered, "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return new Uint8Array(bits);
}

/** Hashes a new password with a fresh salt; other iterations only exercise the upgrade path. */
export async function hashPassword(password: string, pepper: string, iterations = PASSWORD_ITERATIONS) {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, pepper, salt, iterations);
  return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** True when `password`, exactly as received, matches `stored`; a corrupt `stored` is a fault. */
export async function verifyPassword(password: string, stored: string, pepper: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed || parsed.hash.byteLength !== HASH_BITS / 8) throw new Error("stored password hash is corrupt");
  const candidate = await derive(password, pepper, parsed.salt, parsed.iterations);
  return crypto.subtle.timingSafeEqual(candidate, parsed.hash);
}

/** True when a hash that just verified was made with other parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parseStoredHash(stored);
  return !parsed || parsed.iterations !== PASSWORD_ITERATIONS || parsed.salt.byteLength !== SALT_BYTES;
}

// Verified for an unknown or malformed email, so every failure costs the same PBKDF2 work
// (docs/http.md#constant-time); its salt and hash are random bytes that no password matches.
export const DUMMY_PASSWORD_HASH = `${SCHEME}$${PASSWORD_ITERATIONS}$JmAWF8pYq8vUGc9z6u0XkQ==$Fq1mH1Yw8sQe0m3gBQ2yM2p0m3lq9c5xkTqZ8yqBv3E=`;
