// One JSON object per line (docs/http.md#logs): never a secret, token or key; an identifier (email, mobile)
// reaches a log line only through these masks.
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logLine(fields: LogFields): void {
  console.log(JSON.stringify(fields));
}

/** A thrown value as a log line's `fault` field (the details go to the log only). */
export function faultText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "non-error thrown";
}

/** `jane.doe@example.com` → `j***@e***.com`: enough to correlate, not enough to identify. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const tld = dot === -1 ? "" : domain.slice(dot);
  return `${email[0]}***@${domain[0] ?? ""}***${tld}`;
}

/** `919876543210` → `91******3210`: first two and last four digits. */
export function maskMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, "");
  if (digits.length < 8) return "***";
  return `${digits.slice(0, 2)}${"*".repeat(digits.length - 6)}${digits.slice(-4)}`;
}
