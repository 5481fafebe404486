import { BoundedCache, remembered } from "../shared/bounded-cache";
import type { RequestKey } from "../shared/config-records";
import { fromBase64 } from "../shared/encoding";
import {
  importPublicKey,
  MAX_PEM_LENGTH,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  type PemProblem,
  pemLabel,
  rsaModulusBits,
} from "../shared/public-key";
import { fail, ok, type Result } from "../shared/result";
import { verifyInAcceptedForms } from "./signature-forms";

// CPR request signatures: `X-Key-Id`, `X-Timestamp` and `X-Signature` (docs/cpr.md#request-signatures).
type RequestKeyAlgorithm = RequestKey["alg"];

export type SignatureRejection =
  | "signature_missing"
  | "signature_unknown_key"
  | "signature_stale"
  | "signature_malformed"
  | "signature_invalid";

/** How far `X-Timestamp` may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();

/** What a request signs: `<X-Timestamp>.<exact raw body>`. */
export function signedText(timestamp: string, rawBody: ArrayBuffer): Uint8Array {
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  signed.set(prefix);
  signed.set(new Uint8Array(rawBody), prefix.byteLength);
  return signed;
}

// Why a PEM was refused, in words for the admin API's 400 (docs/admin.md#input-validation).
const PEM_PROBLEMS = {
  not_pem: "publicKey is not a PEM-encoded key",
  not_base64: "publicKey is not valid base64 inside its PEM armour",
  too_long: `publicKey is longer than ${MAX_PEM_LENGTH} characters`,
  private_key: "publicKey is a private key; register the public key only",
};

function describeProblem(problem: PemProblem, pem: string, alg: RequestKeyAlgorithm | undefined): string {
  if (problem === "wrong_label") {
    return `publicKey must be a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, not "${pemLabel(pem)}"`;
  }
  if (problem !== "wrong_key_type") return PEM_PROBLEMS[problem];
  if (alg === "ES256") return "publicKey is not a P-256 (ES256) public key";
  if (alg) return `publicKey is not an RSA public key, as ${alg} requires`;
  return "publicKey is neither an RSA nor a P-256 public key";
}

/** Checks a PEM an admin registers (docs/cpr.md#request-signatures); the RSA cap bounds verification cost. */
export async function checkRequestKey(pem: string, alg?: RequestKeyAlgorithm) {
  const candidates: RequestKeyAlgorithm[] = alg ? [alg] : ["RS256", "ES256"];
  let problem: PemProblem = "wrong_key_type";
  for (const candidate of candidates) {
    const key = await importPublicKey(pem, candidate);
    if (!key.ok) {
      problem = key.reason;
      // Only "these bytes are not this kind of key" is worth a second candidate.
      if (problem !== "wrong_key_type") break;
      continue;
    }
    if (candidate === "ES256") return ok(candidate);
    const bits = rsaModulusBits(key.value);
    if (bits < MIN_RSA_BITS) {
      return fail(`publicKey is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`);
    }
    if (bits > MAX_RSA_BITS) {
      return fail(`publicKey is a ${bits}-bit RSA key; at most ${MAX_RSA_BITS} bits are accepted`);
    }
    return ok(candidate);
  }
  return fail(describeProblem(problem, pem, alg));
}

const importedKeys = new BoundedCache<Promise<CryptoKey>>(256);

/** The registered key as a `CryptoKey`, imported once per isolate (docs/architecture.md#performance). */
function verificationKey(key: RequestKey): Promise<CryptoKey> {
  return remembered(importedKeys, `${key.alg}\n${key.publicKeyPem}`, async () => {
    const result = await importPublicKey(key.publicKeyPem, key.alg);
    // Stored keys passed `checkRequestKey`; one that no longer imports is a fault, not a denial.
    if (!result.ok) throw new Error(`stored request key is unusable: ${result.reason}`);
    return result.value;
  });
}

/** Checks a request's signature, cheap checks first (docs/architecture.md#performance). */
export async function verifyRequestSignature(
  keys: Readonly<Record<string, RequestKey>>,
  headers: Headers,
  rawBody: ArrayBuffer,
  now: number,
): Promise<Result<string, SignatureRejection>> {
  const keyId = headers.get("X-Key-Id");
  const timestamp = headers.get("X-Timestamp");
  const signatureText = headers.get("X-Signature");
  if (keyId === null || timestamp === null || signatureText === null) return fail("signature_missing");
  if (!/^[0-9]{1,16}$/.test(timestamp)) return fail("signature_malformed");
  if (Math.abs(now - Number(timestamp)) > SIGNATURE_WINDOW_MS) return fail("signature_stale");
  const key = Object.hasOwn(keys, keyId) ? keys[keyId] : undefined;
  if (!key) return fail("signature_unknown_key");
  // Standard or URL-safe alphabet, padding optional; an empty signature is malformed too.
  const signature = fromBase64(signatureText);
  if (!signature?.byteLength) return fail("signature_malformed");
  // docs/cpr.md#accepted-forms: the defined forms and the ones real signers emit by default.
  const signed = signedText(timestamp, rawBody);
  const valid = await verifyInAcceptedForms(key.alg, await verificationKey(key), signature, signed);
  return valid ? ok(keyId) : fail("signature_invalid");
}
