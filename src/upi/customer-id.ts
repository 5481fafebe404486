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

/** `values` as one string of bits, `width` per value. */
const bitsOf = (values: Iterable<number>, width: number) =>
  Array.from(values, (value) => value.toString(2).padStart(width, "0")).join("");

/** The `cst_…` id of a customer reference. */
export function customerIdOf(objectReferenceId: string): string {
  const digits = bitsOf(encoder.encode(objectReferenceId), 8).match(/.{1,5}/g) ?? [];
  return PREFIX + digits.map((digit) => ALPHABET[Number.parseInt(digit.padEnd(5, "0"), 2)]).join("");
}

/** The reference a canonical `cst_…` id was derived from, so each reference has exactly one id. */
export function referenceOfCustomerId(id: string): string | undefined {
  if (
    !id.startsWith(PREFIX) ||
    id.length === PREFIX.length ||
    id.length > PREFIX.length + MAX_ENCODED_LENGTH
  ) {
    return undefined;
  }
  const digits = Array.from(id.slice(PREFIX.length), (char) => ALPHABET.indexOf(char));
  if (digits.includes(-1)) return undefined;
  const bytes = bitsOf(digits, 5).match(/.{8}/g) ?? [];
  // References are ASCII (the id syntax), so bytes map to characters one to one.
  const reference = String.fromCharCode(...bytes.map((byte) => Number.parseInt(byte, 2)));
  // Canonical only (else another id would decode the same): it must be the reference's one id.
  return isValidId(reference) && customerIdOf(reference) === id ? reference : undefined;
}
