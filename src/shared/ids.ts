/**
 * Tenant-facing ids (appId, workflowId, merchantId, merchantKeyId): 1-128 characters of
 * `A-Z a-z 0-9 . _ : @ -` (docs/admin.md#ids). The cap also keeps every KV key far below KV's 512-byte limit.
 */
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

/** True when the text is a well-formed tenant id. */
export function isValidId(text: string): boolean {
  return ID_PATTERN.test(text);
}

/**
 * Name for a Durable Object owned by a tenant: each part is length-prefixed, so no choice of
 * ids can make two different tuples collide ("a:b" + "c" never equals "a" + "b:c").
 */
export function objectName(kind: string, ...parts: string[]): string {
  return [kind, ...parts.map((part) => `${part.length}:${part}`)].join("|");
}

/**
 * False for `.` and `..`: URL parsing turns them into path navigation (even as `%2e%2e`), so a
 * tenant, customer or transaction with such an id could never be addressed again (docs/admin.md#ids).
 */
export function isPathSegmentSafe(id: string): boolean {
  return id !== "." && id !== "..";
}
