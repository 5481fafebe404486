import { isValidId } from "../shared/ids";

/**
 * The Customer API's `cst_…` id: `cst_` + the `object_reference_id` in lowercase base32 (RFC 4648 §6, no
 * padding). Derived, not random, so it names the customer everywhere at once with no index
 * (docs/upi.md#customer-api); it is shown only to the merchant whose reference it encodes, so it reveals
 * nothing new.
 */

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const PREFIX = "cst_";
// 128 bytes of reference (the id syntax's maximum) take ⌈1024 / 5⌉ characters.
const MAX_ENCODED_LENGTH = 205;
const encoder = new TextEncoder();

/** The `cst_…` id of a customer reference. */
export function customerIdOf(objectReferenceId: string): string {
  let out = PREFIX;
  let buffer = 0;
  let bits = 0;
  for (const byte of encoder.encode(objectReferenceId)) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The reference a canonical `cst_…` id was derived from, so each reference has exactly one id. */
export function referenceOfCustomerId(id: string): string | undefined {
  if (!id.startsWith(PREFIX) || id.length === PREFIX.length || id.length > PREFIX.length + MAX_ENCODED_LENGTH)
    return undefined;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of id.slice(PREFIX.length)) {
    const value = ALPHABET.indexOf(char);
    if (value === -1) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  // References are ASCII (the id syntax), so bytes map to characters one to one.
  const reference = String.fromCharCode(...bytes);
  // Canonical only (else another id would decode the same): it must be the reference's one id.
  return isValidId(reference) && customerIdOf(reference) === id ? reference : undefined;
}
