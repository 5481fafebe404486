import type { RequestKey } from "../shared/config-records";
import { fail, ok, type Result } from "../shared/result";
import { verifyInAcceptedForms } from "./signature-forms";

/**
 * CPR request signatures (SPEC §3.1): `X-Key-Id`, `X-Timestamp` (Unix ms) and `X-Signature`, base64
 * of the signature over `<X-Timestamp>.<exact raw body>`, by a public key the app registered.
 */
export type RequestKeyAlgorithm = RequestKey["alg"];

export type SignatureRejection =
  | "signature_missing"
  | "signature_unknown_key"
  | "signature_stale"
  | "signature_malformed"
  | "signature_invalid";

/** How far `X-Timestamp` may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

const encoder = new TextEncoder();

function importParams(alg: RequestKeyAlgorithm): SubtleCryptoImportKeyAlgorithm {
  switch (alg) {
    case "RS256":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    case "PS256":
      return { name: "RSA-PSS", hash: "SHA-256" };
    case "ES256":
      return { name: "ECDSA", namedCurve: "P-256" };
  }
}

function decodeBase64(text: string): Uint8Array | undefined {
  // Standard or URL-safe alphabet, padding optional.
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text.replaceAll("-", "+").replaceAll("_", "/")), (char) =>
      char.charCodeAt(0),
    );
  } catch {
    return undefined;
  }
}

const PEM = /^-----BEGIN ([A-Z0-9 ]+)-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END \1-----\s*$/;

/** Why a PEM was refused, in words for the admin API's 400 (SPEC §7). */
export type RequestKeyProblem = string;

function spkiOf(pem: string): Result<Uint8Array, RequestKeyProblem> {
  const match = PEM.exec(pem.trim());
  if (!match) return fail("publicKey is not a PEM-encoded key");
  const label = match[1]!;
  if (label.includes("PRIVATE")) return fail("publicKey is a private key; register the public key only");
  if (label !== "PUBLIC KEY") {
    return fail(`publicKey must be a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, not "${label}"`);
  }
  const der = decodeBase64(match[2]!.replace(/\s+/g, ""));
  return der ? ok(der) : fail("publicKey is not valid base64 inside its PEM armour");
}

async function importSpki(der: Uint8Array, alg: RequestKeyAlgorithm): Promise<CryptoKey | undefined> {
  try {
    return await crypto.subtle.importKey("spki", der, importParams(alg), false, ["verify"]);
  } catch {
    return undefined;
  }
}

const MIN_RSA_BITS = 2048;

/**
 * Checks a PEM an admin registers: a SubjectPublicKeyInfo public key, RSA of 2048 bits or more for
 * RS256/PS256, P-256 for ES256. Without `alg`, an RSA key means RS256 and a P-256 key ES256.
 */
export async function checkRequestKey(
  pem: string,
  alg?: RequestKeyAlgorithm,
): Promise<Result<RequestKeyAlgorithm, RequestKeyProblem>> {
  const der = spkiOf(pem);
  if (!der.ok) return der;
  const candidates: RequestKeyAlgorithm[] = alg ? [alg] : ["RS256", "ES256"];
  for (const candidate of candidates) {
    const key = await importSpki(der.value, candidate);
    if (!key) continue;
    const bits = (key.algorithm as CryptoKeyRsaKeyAlgorithm).modulusLength;
    if (candidate !== "ES256" && bits < MIN_RSA_BITS) {
      return fail(`publicKey is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`);
    }
    return ok(candidate);
  }
  if (alg === "ES256") return fail("publicKey is not a P-256 (ES256) public key");
  if (alg) return fail(`publicKey is not an RSA public key, as ${alg} requires`);
  return fail("publicKey is neither an RSA nor a P-256 public key");
}

const KEY_CACHE_LIMIT = 256;
const importedKeys = new Map<string, Promise<CryptoKey>>();

/** The registered key as a `CryptoKey`, imported once per isolate (SPEC §9). */
function verificationKey(key: RequestKey): Promise<CryptoKey> {
  const cacheKey = `${key.alg}\n${key.publicKeyPem}`;
  let imported = importedKeys.get(cacheKey);
  if (!imported) {
    const der = spkiOf(key.publicKeyPem);
    // Stored keys passed `checkRequestKey`; one that no longer imports is a fault, not a denial.
    if (!der.ok) throw new Error(`stored request key is unusable: ${der.reason}`);
    imported = crypto.subtle.importKey("spki", der.value, importParams(key.alg), false, ["verify"]);
    imported.catch(() => importedKeys.delete(cacheKey));
    if (importedKeys.size >= KEY_CACHE_LIMIT) importedKeys.delete(importedKeys.keys().next().value!);
    importedKeys.set(cacheKey, imported);
  }
  return imported;
}

/**
 * Checks a request's signature against the app's keys (SPEC §3.1). The cheap checks (headers,
 * timestamp window, key id) come before any public-key operation (SPEC §9).
 */
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
  const signature = decodeBase64(signatureText);
  if (!signature) return fail("signature_malformed");
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  signed.set(prefix);
  signed.set(new Uint8Array(rawBody), prefix.byteLength);
  // SPEC §3.1: the defined forms and the ones real signers emit by default (signature-forms.ts).
  const valid = await verifyInAcceptedForms(key.alg, await verificationKey(key), signature, signed);
  return valid ? ok(keyId) : fail("signature_invalid");
}
