import { objectName } from "./ids";

/** A record's or token's incarnation from before incarnations existed (docs/storage.md#incarnations). */
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
