/** Tenant-facing ids (docs/admin.md#ids); the cap keeps every KV key far below KV's 512 bytes. */
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export function isValidId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/** A Durable Object's name: length-prefixed parts, so "a:b" + "c" never equals "a" + "b:c". */
export function objectName(kind: string, ...parts: string[]): string {
  return [kind, ...parts.map((part) => `${part.length}:${part}`)].join("|");
}

/** False for `.` and `..`, which URL parsing turns into path navigation (docs/admin.md#ids). */
export function isPathSegmentSafe(id: string): boolean {
  return id !== "." && id !== "..";
}
