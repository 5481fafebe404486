import { adminFailure } from "../admin/errors";
import { readTenant } from "../admin/tenant-calls";
import { annotate } from "../shared/env";
import { recordTenantEvent } from "../shared/tenants";
import { appNotFound, cprAdminRoutes } from "./admin";
import { transactionStub } from "./transaction";

// `POST /admin/v1/apps/{appId}/transactions/{transactionId}/revoke`: a new revocation epoch ends every token
// issued before it (docs/tokens.md#revocation, docs/admin.md#apps).
const { app: transactionsAdmin, route } = cprAdminRoutes();

route("revokeTransaction", async (c, reply) => {
  const { appId, transactionId } = c.req.valid("param");
  // The app's object, not a KV copy: a deleted app has no transactions (docs/storage.md#incarnations).
  const app = await readTenant(c, "app", appId);
  if (!app) return appNotFound(c, appId);
  const revoked = await transactionStub(c.env, appId, app.incarnation, transactionId).revoke(Date.now());
  if (!revoked.ok) {
    return adminFailure(c, { code: "not_found", message: `App ${appId} has no such transaction` });
  }
  annotate(c, { appId, action: "transaction_revoked" });
  const event = { type: "transaction_revoked", requestId: c.get("requestId") } as const;
  await recordTenantEvent(c.env, "app", appId, event);
  return reply({ appId, transactionId, revocationEpoch: revoked.value.revocationEpoch });
});

export { transactionsAdmin };
