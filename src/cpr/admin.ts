import { adminFailure } from "../admin/errors";
import { DEFAULT_STATE_TTL_SECONDS } from "../admin/limits";
import { changeTenant, createTenant, rotateTenantSecret } from "../admin/tenant-calls";
import type { TenantSnapshot } from "../admin/tenant-changes";
import { replyTenant } from "../admin/tenant-replies";
import { adminContractRoutes, emptyBodyAsObject } from "../admin/validate";
import { etagHeader } from "../admin/versions";
import type { AppRecord } from "../shared/config-records";
import { generateSecret, sha256Hex } from "../shared/crypto";
import { type AppContext, annotate } from "../shared/env";
import type * as z from "../shared/zod";
import { cprAdminContract } from "./admin-contract";
import type * as schemas from "./admin-schema";

export const cprAdminRoutes = () => adminContractRoutes(cprAdminContract, () => import("./admin-schema"));

/** What the admin API shows of an app: never the key or its hash. */
function viewOf(snapshot: TenantSnapshot): z.output<typeof schemas.appSchema> {
  const app = snapshot.record as AppRecord;
  return {
    appId: app.appId,
    name: app.name ?? null,
    ipAllowlist: app.ipAllowlist,
    workflows: app.workflows,
    stateTtlSeconds: app.stateTtlSeconds,
    requestKeys: Object.entries(app.requestKeys).map(([keyId, { alg, createdAt }]) => ({
      keyId,
      alg,
      createdAt,
    })),
    // docs/admin.md#grace-rotation: when the previous key stops authenticating, during a rotation's grace.
    previousKeyExpiresAt: app.previousKeyExpiresAt ?? null,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

export const appNotFound = (c: AppContext, appId: string) =>
  adminFailure(c, { code: "not_found", message: `No app ${appId}` });
export const answersFor = (appId: string) => ({ notFound: (c: AppContext) => appNotFound(c, appId) });

// `/admin/v1/apps`: CPR tenants (docs/admin.md#apps); each app's `Tenant` object publishes the copy the
// CPR routes read (docs/storage.md#tenant-objects, docs/storage.md#kv-records).
const { app: appsAdmin, route } = cprAdminRoutes();

route("createApp", async (c, reply) => {
  const input = c.req.valid("json");
  const appKey = input.appKey ?? generateSecret();
  const now = new Date().toISOString();
  const record: Omit<AppRecord, "incarnation"> = {
    appId: input.appId,
    name: input.name,
    appKeySha256: await sha256Hex(appKey),
    ipAllowlist: input.ipAllowlist,
    workflows: input.workflows,
    stateTtlSeconds: input.stateTtlSeconds ?? DEFAULT_STATE_TTL_SECONDS,
    requestKeys: {},
    createdAt: now,
    updatedAt: now,
  };
  const created = await createTenant(c, "app", input.appId, record);
  if (!created) return adminFailure(c, { code: "conflict", message: `App ${input.appId} already exists` });
  annotate(c, { appId: input.appId, action: "app_created" });
  const view = viewOf(created);
  // docs/admin.md#secrets: a generated key is returned once; an imported one is never echoed.
  return reply(input.appKey ? view : { ...view, appKey }, etagHeader(created.etag));
});

route("getApp", (c, reply) => replyTenant(c, reply, "app", c.req.valid("param").appId, viewOf, appNotFound));

route("updateApp", async (c, reply) => {
  const { appId } = c.req.valid("param");
  const set = c.req.valid("json");
  const changed = await changeTenant(c, "app", appId, { op: "update", set }, answersFor(appId));
  if (!changed.ok) return changed.reason;
  annotate(c, { appId, action: "app_updated" });
  const app = changed.value.snapshot!;
  return reply(viewOf(app), etagHeader(app.etag));
});

route("deleteApp", async (c, reply) => {
  const { appId } = c.req.valid("param");
  const deleted = await changeTenant(c, "app", appId, { op: "delete" }, answersFor(appId));
  if (!deleted.ok) return deleted.reason;
  annotate(c, { appId, action: "app_deleted" });
  return reply();
});

// The body is optional: a bodiless POST rotates without grace.
route("rotateAppKey", emptyBodyAsObject, async (c, reply) => {
  const { appId } = c.req.valid("param");
  const { graceSeconds } = c.req.valid("json");
  const rotated = await rotateTenantSecret(c, "app", appId, graceSeconds, answersFor(appId));
  if (!rotated.ok) return rotated.reason;
  annotate(c, { appId, action: "app_key_rotated" });
  const { secret: appKey, snapshot } = rotated.value;
  const { previousKeyExpiresAt = null } = snapshot.record as AppRecord;
  return reply({ appId, appKey, previousKeyExpiresAt }, etagHeader(snapshot.etag));
});

export { appsAdmin };
