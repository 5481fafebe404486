import { Hono } from "hono";
import { adminFailure } from "../admin/errors";
import { DEFAULT_STATE_TTL_SECONDS } from "../admin/limits";
import { changeTenant, createTenant, readTenant, rotateTenantSecret } from "../admin/tenant-calls";
import { adminJson, adminParams, emptyBodyAsObject } from "../admin/validate";
import { etagHeader } from "../admin/versions";
import type { AppRecord } from "../shared/config-records";
import { generateSecret, sha256Hex } from "../shared/crypto";
import type { AppContext, AppEnv } from "../shared/env";
import { annotate } from "../shared/env";

// docs/architecture.md#startup: the schemas load on the first request that validates with them.
const appIdParams = () => import("../admin/schema").then((m) => m.appIdParamSchema);
const createAppBody = () => import("../admin/schema").then((m) => m.createAppSchema);
const updateAppBody = () => import("../admin/schema").then((m) => m.updateAppSchema);
const rotateKeyBody = () => import("../admin/schema").then((m) => m.rotateKeySchema);

/** What the admin API shows of an app: never the key or its hash. */
function appView(app: AppRecord) {
  return {
    appId: app.appId,
    name: app.name ?? null,
    ipAllowlist: app.ipAllowlist,
    workflows: app.workflows,
    stateTtlSeconds: app.stateTtlSeconds,
    requestKeys: Object.entries(app.requestKeys).map(([keyId, key]) => ({
      keyId,
      alg: key.alg,
      createdAt: key.createdAt,
    })),
    // docs/admin.md#grace-rotation: when the previous key stops authenticating, during a rotation's grace.
    previousKeyExpiresAt: app.previousKeyExpiresAt ?? null,
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

const appExists = (c: AppContext, appId: string) =>
  adminFailure(c, { code: "conflict", message: `App ${appId} already exists` });
export const appNotFound = (c: AppContext, appId: string) =>
  adminFailure(c, { code: "not_found", message: `No app ${appId}` });

/**
 * `/admin/v1/apps`: CPR tenants (docs/admin.md#apps). Each app's `Tenant` object applies every change and
 * publishes the `app:<appId>` copy the CPR routes read (docs/storage.md#tenant-objects,
 * docs/storage.md#kv-records).
 */
export const appsAdmin = new Hono<AppEnv>()
  .post("/", adminJson(createAppBody), async (c) => {
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
    if (!created) return appExists(c, input.appId);
    annotate(c, { appId: input.appId, action: "app_created" });
    const view = appView(created.record as AppRecord);
    // docs/admin.md#secrets: a generated key is returned once; an imported one is never echoed.
    return c.json(input.appKey ? view : { ...view, appKey }, 201, {
      "Cache-Control": "no-store",
      ...etagHeader(created.etag),
    });
  })
  .get("/:appId", adminParams(appIdParams), async (c) => {
    const { appId } = c.req.valid("param");
    const app = await readTenant(c, "app", appId);
    return app ? c.json(appView(app.record as AppRecord), 200, etagHeader(app.etag)) : appNotFound(c, appId);
  })
  .patch("/:appId", adminParams(appIdParams), adminJson(updateAppBody), async (c) => {
    const { appId } = c.req.valid("param");
    const changed = await changeTenant(
      c,
      "app",
      appId,
      { op: "update", set: c.req.valid("json") },
      { notFound: (ctx) => appNotFound(ctx, appId) },
    );
    if (!changed.ok) return changed.reason;
    annotate(c, { appId, action: "app_updated" });
    const app = changed.value.snapshot!;
    return c.json(appView(app.record as AppRecord), 200, etagHeader(app.etag));
  })
  .delete("/:appId", adminParams(appIdParams), async (c) => {
    const { appId } = c.req.valid("param");
    const deleted = await changeTenant(
      c,
      "app",
      appId,
      { op: "delete" },
      { notFound: (ctx) => appNotFound(ctx, appId) },
    );
    if (!deleted.ok) return deleted.reason;
    annotate(c, { appId, action: "app_deleted" });
    return c.body(null, 204);
  })
  .post(
    "/:appId/rotate-key",
    adminParams(appIdParams),
    emptyBodyAsObject,
    adminJson(rotateKeyBody),
    async (c) => {
      const { appId } = c.req.valid("param");
      const rotated = await rotateTenantSecret(c, "app", appId, c.req.valid("json").graceSeconds, {
        notFound: (ctx) => appNotFound(ctx, appId),
      });
      if (!rotated.ok) return rotated.reason;
      annotate(c, { appId, action: "app_key_rotated" });
      const { secret: appKey, snapshot } = rotated.value;
      const app = snapshot.record as AppRecord;
      return c.json({ appId, appKey, previousKeyExpiresAt: app.previousKeyExpiresAt ?? null }, 200, {
        "Cache-Control": "no-store",
        ...etagHeader(snapshot.etag),
      });
    },
  );
