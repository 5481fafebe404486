// Every list a tenant holds has a maximum, so a full record stays far inside KV's and a Durable Object's
// value limits (docs/admin.md#limits).
export const MAX_ALLOWLIST_ENTRIES = 1000;
export const MAX_WORKFLOWS = 1000;

/** docs/admin.md#apps: an app's `stateTtlSeconds` when it sets none (14 days). */
export const DEFAULT_STATE_TTL_SECONDS = 14 * 24 * 3600;
