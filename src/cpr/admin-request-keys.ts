import { adminFailure } from "../admin/errors";
import { changeTenant } from "../admin/tenant-calls";
import { replyKeyPut } from "../admin/tenant-replies";
import { etagHeader } from "../admin/versions";
import { type AppContext, annotate } from "../shared/env";
import { answersFor, cprAdminRoutes } from "./admin";
import { checkRequestKey } from "./request-signature";

/** An app may hold a few keys at once, enough to rotate without a gap. */
export const MAX_REQUEST_KEYS = 10;

/**
 * `PUT|DELETE /admin/v1/apps/{appId}/request-keys/{keyId}`: public keys for CPR request signatures
 * (docs/cpr.md#request-signatures, docs/admin.md#apps). The app's object stores them in the app record it
 * publishes, so a change reaches other locations with the KV delay (docs/storage.md#kv-delay).
 */
const { app: requestKeysAdmin, route } = cprAdminRoutes();

route("putAppRequestKey", async (c, reply) => {
  const { appId, keyId } = c.req.valid("param");
  const input = c.req.valid("json");
  const checked = await checkRequestKey(input.publicKey, input.alg);
  if (!checked.ok) return adminFailure(c, { code: "invalid_request", message: checked.reason });
  const view = { appId, keyId, alg: checked.value, createdAt: new Date().toISOString() };
  const key = { alg: view.alg, publicKeyPem: input.publicKey.trim(), createdAt: view.createdAt };
  const change = { op: "put-request-key", keyId, key, max: MAX_REQUEST_KEYS } as const;
  const changed = await changeTenant(c, "app", appId, change, answersFor(appId));
  if (!changed.ok) return changed.reason;
  const { replaced } = changed.value;
  annotate(c, { appId, keyId, action: replaced ? "request_key_replaced" : "request_key_added" });
  return replyKeyPut(c, reply, view, changed.value);
});

route("deleteAppRequestKey", async (c, reply) => {
  const { appId, keyId } = c.req.valid("param");
  const childNotFound = (ctx: AppContext) =>
    adminFailure(ctx, { code: "not_found", message: `App ${appId} has no request key ${keyId}` });
  const change = { op: "delete-request-key", keyId } as const;
  const changed = await changeTenant(c, "app", appId, change, { ...answersFor(appId), childNotFound });
  if (!changed.ok) return changed.reason;
  annotate(c, { appId, keyId, action: "request_key_deleted" });
  return reply(etagHeader(changed.value.snapshot!.etag));
});

export { requestKeysAdmin };
