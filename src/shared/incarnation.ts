import { objectName } from "./ids";

// docs/storage.md#incarnations: a tenant's objects are named with its incarnation and its tokens carry it, so
// those of an earlier tenant under the same id are neither live nor reachable, with no extra hop.

/** A record's or token's incarnation from before incarnations existed; `newIncarnation()` never makes it. */
export const LEGACY_INCARNATION = "";

/** The name of a Durable Object of one incarnation; a legacy tenant's objects keep their old names. */
export function incarnationObjectName(
  kind: string,
  tenantId: string,
  incarnation: string,
  ...key: string[]
): string {
  return incarnation === LEGACY_INCARNATION
    ? objectName(kind, tenantId, ...key)
    : objectName(kind, tenantId, incarnation, ...key);
}
