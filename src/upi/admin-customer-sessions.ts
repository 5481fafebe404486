import { Hono } from "hono";
import { adminFailure } from "../admin/errors";
import { adminParams } from "../admin/validate";
import type { AppEnv } from "../shared/env";
import { annotate } from "../shared/env";
import { recordTenantEvent, registerCustomer } from "../shared/tenants";
import { customerObject } from "./customer";

/**
 * `POST /admin/v1/merchants/{merchantId}/customers/{customerId}/revoke-sessions`
 * (docs/upi.md#session-revocation): ends every UPI session of the customer at once (its object's session
 * epoch moves on), where `/oauth/revoke` ends one. A customer
 * without sessions is no error: afterwards none is live either.
 */
export const customerSessionsAdmin = new Hono<AppEnv>().post(
  "/:merchantId/customers/:customerId/revoke-sessions",
  // docs/architecture.md#startup: the schema loads on the first request.
  adminParams(() => import("./schema").then((m) => m.customerIdParamSchema)),
  async (c) => {
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
    return c.body(null, 204);
  },
);
