import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import { APPS, type AppRecord } from "../shared/config-records";
import { generateSecret, newIncarnation, sha256Hex } from "../shared/crypto";
import { adminFailure } from "./errors";
import { createOnce, releaseId } from "./id-claim";
import { appIdParamSchema, createAppSchema, DEFAULT_STATE_TTL_SECONDS, updateAppSchema } from "./schema";
import { adminJson, adminParams } from "./validate";

/** What the admin API shows of an app: never the key or its hash. */
export function appView(app: AppRecord) {
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
    createdAt: app.createdAt,
    updatedAt: app.updatedAt,
  };
}

const appExists = (c: AppContext, appId: string) =>
  adminFailure(c, { code: "conflict", message: `App ${appId} already exists` });
export const appNotFound = (c: AppContext, appId: string) =>
  adminFailure(c, { code: "not_found", message: `No app ${appId}` });

/** `/admin/v1/apps`: CPR tenants (SPEC §7). */
export const appsAdmin = new Hono<AppEnv>()
  .post("/", adminJson(createAppSchema), async (c) => {
    const input = c.req.valid("json");
    const store = c.get("config");
    if (await store.getFresh(APPS, input.appId)) return appExists(c, input.appId);
    const appKey = input.appKey ?? generateSecret();
    const now = new Date().toISOString();
    const app: AppRecord = {
      appId: input.appId,
      name: input.name,
      appKeySha256: await sha256Hex(appKey),
      ipAllowlist: input.ipAllowlist,
      workflows: input.workflows,
      stateTtlSeconds: input.stateTtlSeconds ?? DEFAULT_STATE_TTL_SECONDS,
      requestKeys: {},
      incarnation: newIncarnation(),
      createdAt: now,
      updatedAt: now,
    };
    const created = await createOnce(c.env, "app", app.appId, () => store.put(APPS, app.appId, app));
    if (!created.ok) return appExists(c, app.appId);
    annotate(c, { appId: app.appId, action: "app_created" });
    // SPEC §7: a generated key is returned once; an imported one is never echoed.
    return c.json(input.appKey ? appView(app) : { ...appView(app), appKey }, 201, {
      "Cache-Control": "no-store",
    });
  })
  .get("/:appId", adminParams(appIdParamSchema), async (c) => {
    const { appId } = c.req.valid("param");
    const app = await c.get("config").getFresh(APPS, appId);
    return app ? c.json(appView(app)) : appNotFound(c, appId);
  })
  .patch("/:appId", adminParams(appIdParamSchema), adminJson(updateAppSchema), async (c) => {
    const { appId } = c.req.valid("param");
    const changes = c.req.valid("json");
    const store = c.get("config");
    const app = await store.getFresh(APPS, appId);
    if (!app) return appNotFound(c, appId);
    const updated: AppRecord = { ...app, ...changes, updatedAt: new Date().toISOString() };
    await store.put(APPS, appId, updated);
    annotate(c, { appId, action: "app_updated" });
    return c.json(appView(updated));
  })
  .delete("/:appId", adminParams(appIdParamSchema), async (c) => {
    const { appId } = c.req.valid("param");
    const store = c.get("config");
    if (!(await store.getFresh(APPS, appId))) return appNotFound(c, appId);
    await store.delete(APPS, appId);
    await releaseId(c.env, "app", appId);
    annotate(c, { appId, action: "app_deleted" });
    return c.body(null, 204);
  })
  .post("/:appId/rotate-key", adminParams(appIdParamSchema), async (c) => {
    const { appId } = c.req.valid("param");
    const store = c.get("config");
    const app = await store.getFresh(APPS, appId);
    if (!app) return appNotFound(c, appId);
    const appKey = generateSecret();
    await store.put(APPS, appId, {
      ...app,
      appKeySha256: await sha256Hex(appKey),
      updatedAt: new Date().toISOString(),
    });
    annotate(c, { appId, action: "app_key_rotated" });
    return c.json({ appId, appKey }, 200, { "Cache-Control": "no-store" });
  });
