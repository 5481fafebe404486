import { Hono } from "hono";
import * as z from "zod";
import { checkRequestKey } from "../cpr/request-signature";
import type { AppEnv } from "../env";
import { annotate } from "../env";
import { APPS } from "../shared/config-records";
import { idSchema } from "../shared/ids";
import { appNotFound } from "./apps";
import { adminFailure } from "./errors";
import { adminJson, adminParams } from "./validate";

/** An app may hold a few keys at once, enough to rotate without a gap. */
export const MAX_REQUEST_KEYS = 10;

export const requestKeyParamsSchema = z.object({ appId: idSchema, keyId: idSchema });

export const putRequestKeySchema = z.strictObject({
  publicKey: z.string().min(1).max(16_384),
  alg: z.enum(["RS256", "PS256", "ES256"]).optional(),
});

/**
 * `PUT|DELETE /admin/v1/apps/{appId}/request-keys/{keyId}`: public keys for CPR request signatures
 * (SPEC §3.1, §7). Stored in the app record, so a change waits on the KV delay (README, "Storage").
 */
export const requestKeysAdmin = new Hono<AppEnv>()
  .put(
    "/:appId/request-keys/:keyId",
    adminParams(requestKeyParamsSchema),
    adminJson(putRequestKeySchema),
    async (c) => {
      const { appId, keyId } = c.req.valid("param");
      const input = c.req.valid("json");
      const checked = await checkRequestKey(input.publicKey, input.alg);
      if (!checked.ok) return adminFailure(c, { code: "invalid_request", message: checked.reason });
      const store = c.get("config");
      const app = await store.getFresh(APPS, appId);
      if (!app) return appNotFound(c, appId);
      const replacing = Object.hasOwn(app.requestKeys, keyId);
      if (!replacing && Object.keys(app.requestKeys).length >= MAX_REQUEST_KEYS) {
        return adminFailure(c, {
          code: "invalid_request",
          message: `An app holds at most ${MAX_REQUEST_KEYS} request keys`,
        });
      }
      const now = new Date().toISOString();
      const key = { alg: checked.value, publicKeyPem: input.publicKey.trim(), createdAt: now };
      await store.put(APPS, appId, {
        ...app,
        requestKeys: { ...app.requestKeys, [keyId]: key },
        updatedAt: now,
      });
      annotate(c, { appId, keyId, action: replacing ? "request_key_replaced" : "request_key_added" });
      return c.json({ appId, keyId, alg: key.alg, createdAt: key.createdAt }, replacing ? 200 : 201);
    },
  )
  .delete("/:appId/request-keys/:keyId", adminParams(requestKeyParamsSchema), async (c) => {
    const { appId, keyId } = c.req.valid("param");
    const store = c.get("config");
    const app = await store.getFresh(APPS, appId);
    if (!app) return appNotFound(c, appId);
    if (!Object.hasOwn(app.requestKeys, keyId))
      return adminFailure(c, { code: "not_found", message: `App ${appId} has no request key ${keyId}` });
    const { [keyId]: _removed, ...requestKeys } = app.requestKeys;
    await store.put(APPS, appId, { ...app, requestKeys, updatedAt: new Date().toISOString() });
    annotate(c, { appId, keyId, action: "request_key_deleted" });
    return c.body(null, 204);
  });
