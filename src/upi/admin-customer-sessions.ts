import { annotate } from "../shared/env";
import { registerCustomer } from "../shared/tenants";
import { merchantNotFound, recordCustomerChange, upiAdminRoutes } from "./admin";
import { customerObject } from "./customer";

/**
 * `POST …/customers/{customerId}/revoke-sessions` (docs/upi.md#session-revocation): ends every session of
 * the customer at once. A customer without sessions is no error: afterwards none is live either.
 */
const { app: customerSessionsAdmin, route } = upiAdminRoutes();

route("revokeCustomerSessions", async (c, reply) => {
  const { merchantId, customerId } = c.req.valid("param");
  // The merchant's object, not a KV copy: a deleted merchant has no sessions to end; it also notes the
  // customer, so deleting the merchant purges it (docs/storage.md#incarnations).
  const incarnation = await registerCustomer(c.env, merchantId, customerId);
  if (incarnation === undefined) return merchantNotFound(c, merchantId);
  const epoch = await customerObject(c.env, merchantId, incarnation, customerId).revokeAllSessions();
  annotate(c, { merchantId, action: "customer_sessions_revoked", sessionEpoch: epoch });
  await recordCustomerChange(c, merchantId, "sessions_revoked");
  return reply();
});

export { customerSessionsAdmin };
