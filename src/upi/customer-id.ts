import { isValidId } from "../shared/ids";

/**
 * The Customer API's `cst_…` id (docs/upi.md#customer-api), derived from the merchant's
 * `object_reference_id`: `cst_` + the reference in lowercase
 * base32 (RFC 4648 §6 alphabet, lowercased, no padding).
 *
 * Why derived and not random: `GET`/`POST /customers/{id}` must find the customer by either id, at
 * once and everywhere. A random id would need an index from `cst_…` to the reference that is
 * strongly consistent (KV is not: a customer created in one location would be 404 by its `cst_`
 * id in another for a minute) — a second Durable Object hop on every such request and a second
 * write on every creation. A derived id needs neither: it decodes to the reference, whose object
 * is the customer's one source of truth. The reference is the merchant's own identifier and the id
 * is only ever shown to that merchant, so carrying it reveals nothing new.
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

/**
 * The reference a `cst_…` id was derived from; `undefined` when the text is not such an id (not
 * the prefix, not canonical base32, or not a valid reference), so each reference has exactly one id.
 */
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
  // Canonical only: fewer than 5 leftover bits, all zero (else another id decodes the same).
  if (bits >= 5 || buffer !== 0) return undefined;
  // References are ASCII (the id syntax), so bytes map to characters one to one.
  const reference = String.fromCharCode(...bytes);
  return isValidId(reference) && customerIdOf(reference) === id ? reference : undefined;
}
