/**
 * Canonical forms of a person's identifiers (SPEC §3 item 5), shared by CPR uniqueIds and UPI
 * device bindings: two spellings of one person give one canonical string.
 */

const EMAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[A-Za-z]{2,}$/;

/** Trimmed and lowercased; `undefined` unless it looks like `local@domain.tld`. */
export function canonicalEmail(raw: string): string | undefined {
  const email = raw.trim().toLowerCase();
  return email.length <= 256 && EMAIL.test(email) ? email : undefined;
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
