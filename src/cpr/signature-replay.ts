import { toHex } from "../shared/encoding";
import { SIGNATURE_WINDOW_MS } from "./request-signature";

/**
 * Single use of CPR request signatures (docs/cpr.md#single-use): what the transaction's Durable Object
 * remembers of an accepted signed request, and until when.
 */
export interface SignatureUse {
  /** SHA-256 (hex) of the signed text `<X-Timestamp>.<raw body>`. */
  readonly digest: string;
  /** The end of the request's 5-minute window: after it the timestamp check refuses the request anyway. */
  readonly keepUntil: number;
}

const encoder = new TextEncoder();

/**
 * The digest is taken over what was signed, not over the `X-Signature` text: ECDSA signatures are
 * malleable (`s` and `n - s` both verify), ES256 may arrive as DER or raw r‖s and base64 in either
 * alphabet with or without padding, so one signature has many spellings. Every valid signature over
 * the same `<timestamp>.<body>` is the same signed request, and the body names the transaction, so
 * its object is the one place that sees every use of it, on any CPR route.
 */
export async function signatureUseOf(headers: Headers, rawBody: ArrayBuffer): Promise<SignatureUse> {
  // Called only after `verifyRequestSignature` accepted the request, so the timestamp is digits.
  const timestamp = headers.get("X-Timestamp") ?? "";
  const prefix = encoder.encode(`${timestamp}.`);
  const signed = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  signed.set(prefix);
  signed.set(new Uint8Array(rawBody), prefix.byteLength);
  return {
    digest: toHex(await crypto.subtle.digest("SHA-256", signed)),
    keepUntil: Number(timestamp) + SIGNATURE_WINDOW_MS,
  };
}
