import { toHex } from "../shared/encoding";
import { SIGNATURE_WINDOW_MS, signedText } from "./request-signature";

/** What the transaction's object remembers of an accepted signed request (docs/cpr.md#single-use). */
export interface SignatureUse {
  /** SHA-256 (hex) of the signed text `<X-Timestamp>.<raw body>`. */
  readonly digest: string;
  /** The end of the request's 5-minute window: after it the timestamp check refuses the request anyway. */
  readonly keepUntil: number;
}

/**
 * The digest is of what was signed, not of the signature: ECDSA `(r, n−s)`, DER or raw, either base64 alphabet
 * spell one signature many ways. The body names the transaction, so its object sees every use on any CPR route
 * (docs/cpr.md#single-use).
 */
export async function signatureUseOf(headers: Headers, rawBody: ArrayBuffer): Promise<SignatureUse> {
  // Called only after `verifyRequestSignature` accepted the request, so the timestamp is digits.
  const timestamp = headers.get("X-Timestamp") ?? "";
  return {
    digest: toHex(await crypto.subtle.digest("SHA-256", signedText(timestamp, rawBody))),
    keepUntil: Number(timestamp) + SIGNATURE_WINDOW_MS,
  };
}
