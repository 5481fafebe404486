import type { RequestKey } from "../shared/config-records";
import { toHex } from "../shared/encoding";

// The forms a CPR request signature is accepted in: the spec's and what real signers emit by default, each one
// public-key operation at most. High-S ECDSA is accepted: OpenSSL and Node emit either half at random, and
// single use is keyed on the signed text, not the spelling (docs/cpr.md#accepted-forms).

// The order of the P-256 group (SEC 2 §2.4.2): r and s must lie in [1, n − 1].
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_SCALAR_BYTES = 32;
const SHA256_BYTES = 32;

/** One DER INTEGER at `offset`, strictly: minimal length, positive, in [1, n − 1]. */
function readScalar(der: Uint8Array, offset: number): { bytes: Uint8Array; next: number } | undefined {
  if (der[offset] !== 0x02) return undefined;
  const length = der[offset + 1];
  // Short-form lengths only: 33 bytes is a 256-bit value with its sign byte, and the most a scalar needs.
  if (length === undefined || length < 1 || length > P256_SCALAR_BYTES + 1) return undefined;
  const start = offset + 2;
  const next = start + length;
  if (next > der.length) return undefined;
  const bytes = der.subarray(start, next);
  if (bytes[0]! & 0x80) return undefined; // negative
  if (length > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80)) return undefined; // a leading zero it does not need
  const value = BigInt(`0x${toHex(bytes)}`);
  if (value < 1n || value >= P256_ORDER) return undefined;
  const scalar = new Uint8Array(P256_SCALAR_BYTES);
  const significant = bytes.subarray(bytes.length > P256_SCALAR_BYTES ? 1 : 0);
  scalar.set(significant, P256_SCALAR_BYTES - significant.length);
  return { bytes: scalar, next };
}

/** A strict DER ECDSA-Sig-Value (RFC 3279 §2.2.3) over P-256 as raw r‖s, else `undefined`. */
export function p256DerToRaw(der: Uint8Array): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readScalar(der, 2);
  const s = r && readScalar(der, r.next);
  if (!r || !s || s.next !== der.length) return undefined;
  const raw = new Uint8Array(2 * P256_SCALAR_BYTES);
  raw.set(r.bytes);
  raw.set(s.bytes, P256_SCALAR_BYTES);
  return raw;
}

/** RFC 8017 §9.1.1: the largest salt an RSA-PSS signature with SHA-256 can carry for this key. */
export function maxPssSaltLength(modulusBits: number): number {
  return Math.ceil((modulusBits - 1) / 8) - SHA256_BYTES - 2; // emLen − hLen − 2
}

type Attempt = { readonly params: SubtleCryptoSignAlgorithm; readonly signature: Uint8Array };

function attemptsFor(alg: RequestKey["alg"], key: CryptoKey, signature: Uint8Array): Attempt[] {
  switch (alg) {
    case "RS256":
      return [{ params: { name: "RSASSA-PKCS1-v1_5" }, signature }];
    case "PS256": {
      const maxSalt = maxPssSaltLength((key.algorithm as CryptoKeyRsaKeyAlgorithm).modulusLength);
      const salts = maxSalt === SHA256_BYTES ? [SHA256_BYTES] : [SHA256_BYTES, maxSalt];
      return salts.map((saltLength) => ({ params: { name: "RSA-PSS", saltLength }, signature }));
    }
    case "ES256": {
      const params = { name: "ECDSA", hash: "SHA-256" };
      const attempts: Attempt[] = [];
      if (signature.length === 2 * P256_SCALAR_BYTES) attempts.push({ params, signature });
      // A 64-byte signature may also be well-formed DER (r and s of 29 bytes each): both are tried.
      const fromDer = p256DerToRaw(signature);
      if (fromDer) attempts.push({ params, signature: fromDer });
      return attempts;
    }
  }
}

export async function verifyInAcceptedForms(
  alg: RequestKey["alg"],
  key: CryptoKey,
  signature: Uint8Array,
  signed: Uint8Array,
): Promise<boolean> {
  for (const attempt of attemptsFor(alg, key, signature)) {
    if (await crypto.subtle.verify(attempt.params, key, attempt.signature, signed)) return true;
  }
  return false;
}
