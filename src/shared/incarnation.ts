import { objectName } from "./ids";

/**
 * Tenant incarnations (docs/storage.md#incarnations). A tenant's KV record carries the incarnation made when
 * it was created; the Durable Objects holding its state are named with it, and its tokens carry it
 * (claim `inc`). A token or object of an earlier tenant under the same id therefore names another
 * incarnation: it is not live and not reachable, with no extra hop on any hot path
 * (docs/storage.md#incarnations).
 */

/**
 * The incarnation of a record or token written before incarnations existed. Such a tenant keeps its
 * state and tokens (its objects keep their old names); re-creating its id makes a real incarnation.
 * `newIncarnation()` never makes this value.
 */
export const LEGACY_INCARNATION = "";

/**
 * The name of a Durable Object that holds one incarnation's state: `objectName(kind, tenantId,
 * incarnation, ...key)`; a legacy tenant's objects keep the name they had before incarnations.
 */
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
