import { BoundedCache, remembered } from "../shared/bounded-cache";
import { fromBase64 } from "../shared/encoding";
import { canonicalMobile } from "../shared/identifiers";
import { isPathSegmentSafe, isValidId } from "../shared/ids";
import {
  importPublicKey,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  type PemProblem,
  rsaModulusBits,
} from "../shared/public-key";
import { fail, ok, type Result } from "../shared/result";
import { invalidInput, missingParameter, type ProcessReason } from "./errors";

// Merchant signatures over `signaturePayload` (docs/upi.md#signature-mode): RSASSA-PKCS1-v1_5 with SHA-256
// over the exact UTF-8 bytes the merchant's server signed.

interface SignedPayload {
  readonly merchantId: string;
  readonly customerId: string;
  readonly timestamp: number;
  /** Canonical form (docs/cpr.md#unique-id). */
  readonly customerMobileNumber?: string;
}

/**
 * The first key that occurs twice in one object of a JSON text JSON.parse has accepted: it keeps the last
 * silently, so `{"customer_id":"a","customer_id":"b"}` would mean different things to the merchant and us.
 */
export function findDuplicateKey(json: string): string | undefined {
  const frames: Array<{ keys: Set<string>; expectingKey: boolean } | null> = [];
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === "{") frames.push({ keys: new Set(), expectingKey: true });
    else if (char === "[") frames.push(null);
    else if (char === "}" || char === "]") frames.pop();
    else if (char === ",") {
      const top = frames.at(-1);
      if (top) top.expectingKey = true;
    } else if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === "\\" ? 2 : 1;
      const top = frames.at(-1);
      if (top?.expectingKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return key;
        top.keys.add(key);
        top.expectingKey = false;
      }
      i = end;
    }
  }
  return undefined;
}

const DIGITS = /^[0-9]{1,16}$/;

function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === "string" && DIGITS.test(value)) return Number(value);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  return undefined;
}

/** Parses the signed JSON text; the text itself stays untouched for verification. */
export function parseSignedPayload(text: string): Result<SignedPayload, ProcessReason> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Refused below, as is any other non-object.
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return invalidInput("signaturePayload must be a string holding a JSON object");
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    return invalidInput(`signaturePayload has the key ${JSON.stringify(duplicate)} twice`);
  }
  const fields = json as Record<string, unknown>;
  for (const name of ["merchant_id", "customer_id"] as const) {
    const value = fields[name];
    if (value === undefined) return missingParameter(`signaturePayload.${name}`);
    if (typeof value !== "string" || !isValidId(value)) {
      return invalidInput(`signaturePayload.${name} must be 1-128 characters of A-Z a-z 0-9 . _ : @ -`);
    }
    // docs/admin.md#ids: signature mode creates the customer's state; `.`/`..` could never be addressed again.
    if (name === "customer_id" && !isPathSegmentSafe(value)) {
      return invalidInput('signaturePayload.customer_id must not be "." or ".."');
    }
  }
  if (fields.timestamp === undefined) return missingParameter("signaturePayload.timestamp");
  const timestamp = parseTimestamp(fields.timestamp);
  if (timestamp === undefined) {
    return invalidInput("signaturePayload.timestamp must be the time in milliseconds, as a string of digits");
  }
  const mobile = fields.customer_mobile_number;
  const customerMobileNumber = typeof mobile === "string" ? canonicalMobile(mobile) : undefined;
  if (mobile !== undefined && customerMobileNumber === undefined) {
    return invalidInput("signaturePayload.customer_mobile_number must be a mobile number");
  }
  return ok({
    merchantId: fields.merchant_id as string,
    customerId: fields.customer_id as string,
    timestamp,
    customerMobileNumber,
  });
}

/** docs/upi.md#signature-mode: also an unknown merchant's window, so it reads like one with defaults. */
export const DEFAULT_SIGNATURE_MAX_AGE_SECONDS = 15 * 60;
/** docs/upi.md#signature-mode: a payload may be ahead of our clock (the merchant's clock drifts). */
export const MAX_FUTURE_SKEW_MS = 60_000;
export const MAX_SIGNATURE_MAX_AGE_SECONDS = 3600;

/**
 * While any window the merchant may set could admit the payload: with only the current one, a later
 * widening (or an isolate still holding a wider setting) would make a swept payload redeemable again.
 */
export function redemptionKeptUntil(timestamp: number): number {
  return timestamp + MAX_SIGNATURE_MAX_AGE_SECONDS * 1000 + MAX_FUTURE_SKEW_MS;
}

/** Where a signed timestamp (ms) falls against the merchant's window; one in seconds is simply too old. */
export function checkTimestamp(
  timestamp: number,
  now: number,
  maxAgeSeconds: number,
): "in_window" | "timestamp_too_old" | "timestamp_in_future" {
  if (timestamp < now - maxAgeSeconds * 1000) return "timestamp_too_old";
  if (timestamp > now + MAX_FUTURE_SKEW_MS) return "timestamp_in_future";
  return "in_window";
}

const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * A base64 signature, standard or URL-safe, padding optional, possibly URL-encoded (`%2B`, `%2F`, `%3D`) by
 * a merchant who built a query string first; `undefined` when not base64 at all.
 */
export function decodeSignature(text: string): Uint8Array | undefined {
  let raw = text.trim();
  if (raw.includes("%")) {
    try {
      raw = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
  }
  const body = raw
    .replaceAll("-", "+")
    .replaceAll("_", "/")
    .replace(/={0,2}$/, "");
  // Padding was stripped above, so an incomplete one is accepted too.
  return BASE64_BODY.test(body) ? fromBase64(body) : undefined;
}

const RSA_PARAMS = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const encoder = new TextEncoder();

/** Every other problem is a text that is no PEM public key. */
const REJECTIONS: Partial<Record<PemProblem, string>> = {
  private_key: "this is a private key; register the public key only",
  wrong_key_type: "not an RSA public key",
};

/**
 * An SPKI PEM as an RSA verification key, through the service's one PEM parser; RSA 2048+ only, and 8192
 * caps the cost of one verification (docs/admin.md#input-validation).
 */
export async function importMerchantPublicKey(
  pem: string,
): Promise<Result<{ key: CryptoKey; modulusBits: number }, string>> {
  const imported = await importPublicKey(pem, "RS256");
  if (!imported.ok) {
    return fail(REJECTIONS[imported.reason] ?? "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
  }
  const modulusBits = rsaModulusBits(imported.value);
  if (modulusBits < MIN_RSA_BITS) return fail("RSA key is shorter than 2048 bits");
  if (modulusBits > MAX_RSA_BITS) return fail("RSA key is longer than 8192 bits");
  return ok({ key: imported.value, modulusBits });
}

// docs/architecture.md#performance: per isolate, keyed by the PEM itself so a replaced key is a new entry.
const importedKeys = new BoundedCache<Promise<CryptoKey>>(256);

function cachedVerificationKey(pem: string): Promise<CryptoKey> {
  return remembered(importedKeys, pem, async () => {
    const imported = await importMerchantPublicKey(pem);
    // Stored keys were validated on registration: a key that no longer imports is corrupt config.
    if (!imported.ok) throw new Error(`stored merchant key does not import: ${imported.reason}`);
    return imported.value.key;
  });
}

/** True when `signature` is the merchant key's RSA-SHA256 signature over the exact UTF-8 bytes of `text`. */
export async function verifyMerchantSignature(
  publicKeyPem: string,
  modulusBits: number,
  signature: Uint8Array,
  text: string,
): Promise<boolean> {
  // A truncated or hex-as-base64 signature has the wrong length: refuse it before any RSA work.
  if (signature.byteLength !== Math.ceil(modulusBits / 8)) return false;
  const key = await cachedVerificationKey(publicKeyPem);
  return crypto.subtle.verify(RSA_PARAMS, key, signature, encoder.encode(text));
}
