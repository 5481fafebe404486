import { adminFailure } from "../admin/errors";
import { annotate } from "../shared/env";
import { recordTenantEvent, registerCustomer } from "../shared/tenants";
import { upiAdminRoutes } from "./admin";
import { customerObject } from "./customer";

/**
 * `POST /admin/v1/merchants/{merchantId}/customers/{customerId}/revoke-sessions`
 * (docs/upi.md#session-revocation): ends every UPI session of the customer at once (its object's session
 * epoch moves on), where `/oauth/revoke` ends one. A customer
 * without sessions is no error: afterwards none is live either.
 */
const { app: customerSessionsAdmin, route } = upiAdminRoutes();

route("revokeCustomerSessions", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  // The merchant's object, not a KV copy: a deleted merchant has no sessions to end
  // (docs/storage.md#incarnations). It also notes the customer, whose object this writes, so that deleting
  // the merchant purges it as it purges the customers the other routes touch.
  const incarnation = await registerCustomer(c.env, merchantId, customerId);
  if (incarnation === undefined) {
    return adminFailure(c, { code: "not_found", message: `No merchant ${merchantId}` });
  }
  const epoch = await customerObject(c.env, merchantId, incarnation, customerId).revokeAllSessions();
  annotate(c, { merchantId, action: "customer_sessions_revoked", sessionEpoch: epoch });
  await recordTenantEvent(c.env, "merchant", merchantId, {
    type: "sessions_revoked",
    requestId: c.get("requestId"),
  });
  return reply();
});

export { customerSessionsAdmin };
