// One canonical string for two spellings of one person's identifier (docs/cpr.md#unique-id, UPI bindings).

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

/** 10-15 digits once spaces, `-`, `()` and a leading `+` go; `09876543210`, `9876543210` get India's `91`. */
export function canonicalMobile(raw: string): string | undefined {
  let digits = raw.replace(/[\s()-]/g, "");
  if (digits.startsWith("+")) digits = digits.slice(1);
  if (!/^[0-9]{10,15}$/.test(digits)) return undefined;
  if (digits.length === 11 && digits.startsWith("0")) digits = digits.slice(1);
  return digits.length === 10 ? `91${digits}` : digits;
}
