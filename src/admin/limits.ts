/**
 * docs/admin.md#limits: every list a tenant holds has a documented maximum (docs/admin.md#limits). With
 * 64-character entries and 128-character ids, a full record stays under ~200 KB (plus at most 10 request keys
 * of 16 KiB): far inside KV's 25 MiB per value and a Durable Object's 2 MB per stored value.
 */
export const MAX_ALLOWLIST_ENTRIES = 1000;
export const MAX_WORKFLOWS = 1000;

/** docs/admin.md#apps: an app's `stateTtlSeconds` when it sets none (14 days). */
export const DEFAULT_STATE_TTL_SECONDS = 14 * 24 * 3600;
