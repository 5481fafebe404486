import { cprAdminOperations } from "../cpr/admin-openapi";
import { portalAdminOperations } from "../portal/admin-openapi";
import type { OperationGroup, OperationProse } from "../shared/openapi";
import { upiAdminOperations } from "../upi/admin-openapi";
import { eventsContract } from "./contract";
import * as eventSchemas from "./events-schema";
import { adminErrorSchema, documentAdminRoutes } from "./operation-openapi";
import { signingKeyOperations } from "./signing-keys-openapi";

// The admin API in the document (docs/admin.md#authentication): each family's `admin-openapi.ts`, the
// signing keys and the event logs (docs/admin.md#event-log).

const eventsProse = (noun: string): OperationProse => ({
  summary: `List the events of ${noun}`,
  description:
    "Newest first: every admin change (`created`, `updated` with `changes`, `key_rotated`, `deleted`, key and user changes, a merchant's `customer_device_bound`, `customer_device_unbound`, `customer_accounts_set`) and the tenant's security events (`transaction_revoked`, `sessions_revoked`, `client_token_revoked`, `token_revoked` (a portal token), `locked_out`, `unlocked`). No secret, hash or full email appears. The log belongs to the id: it survives delete and re-create and is kept 13 months; an id with no events answers an empty list.",
  success: { description: "A page of events." },
});

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: [
    ...cprAdminOperations,
    ...portalAdminOperations,
    ...upiAdminOperations,
    ...signingKeyOperations,
    ...documentAdminRoutes(eventsContract, eventSchemas, {
      listAppEvents: eventsProse("a CPR app"),
      listMerchantEvents: eventsProse("a UPI merchant"),
      listOrgEvents: eventsProse("a portal organization"),
      listPortalUserEvents: eventsProse("a portal user"),
    }),
  ],
};
