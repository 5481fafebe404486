/**
 * Canonical forms of a person's identifiers (docs/cpr.md#unique-id), shared by CPR uniqueIds and UPI
 * device bindings: two spellings of one person give one canonical string.
 */

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[A-Za-z]{2,}$/;

const encoder = new TextEncoder();

/** The length in UTF-8 bytes, which storage keys are limited by (docs/http.md#storage-key-bounds). */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** RFC 5321 §4.5.3.1.3: no deliverable address is longer (docs/http.md#storage-key-bounds). */
export const MAX_EMAIL_BYTES = 254;

/** Trimmed and lowercased; `undefined` unless it looks like `local@domain.tld` within `MAX_EMAIL_BYTES`. */
export function canonicalEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return email.length <= MAX_EMAIL_BYTES && utf8Length(email) <= MAX_EMAIL_BYTES && EMAIL.test(email)
    ? email
    : undefined;
}

/**
 * Spaces, `-`, `(`, `)` and one leading `+` removed; then 10-15 digits. An 11-digit number starting
 * with `0` loses it, and a 10-digit number gets India's `91` (so `9876543210`, `09876543210`,
 * `+91 98765 43210` and `919876543210` are one person).
 */
export function canonicalMobile(raw: string): string | undefined {
  let digits = raw.replace(/[\s()-]/g, "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  if (!/^[0-9]{10,15}$/.test(digits)) return undefined;
  if (digits.length === 11 && digits.startsWith("0")) digits = digits.slice(1);
  return digits.length === 10 ? `91${digits}` : digits;
}
