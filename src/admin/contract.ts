import { declareRoutes } from "../shared/contract";
import type { AdminReason } from "./errors";
import type * as eventSchemas from "./events-schema";

/**
 * The admin routes that are no family's own (docs/admin.md): every tenant's event log
 * (docs/admin.md#event-log). Each family's tenant administration has its contract beside it
 * (`src/<family>/admin-contract.ts`).
 */

const ADMIN = [["adminToken"]] as const;

// docs/admin.md#event-log: the log belongs to the id, so an unknown one answers an empty page (no 404).
const events = {
  method: "get",
  request: { query: "eventsQuerySchema" },
  success: { status: 200, schema: "eventPageSchema" },
  errors: ["invalid_request"],
  security: ADMIN,
  etag: true,
} as const;

export const eventsContract = declareRoutes<typeof eventSchemas, AdminReason["code"]>()({
  listAppEvents: {
    ...events,
    path: "/admin/v1/apps/{appId}/events",
    request: { ...events.request, param: "appIdParamSchema" },
  },
  listMerchantEvents: {
    ...events,
    path: "/admin/v1/merchants/{merchantId}/events",
    request: { ...events.request, param: "merchantParamSchema" },
  },
  listOrgEvents: {
    ...events,
    path: "/admin/v1/orgs/{id}/events",
    request: { ...events.request, param: "orgIdParamSchema" },
  },
  listPortalUserEvents: {
    ...events,
    path: "/admin/v1/users/{email}/events",
    request: { ...events.request, param: "emailParamSchema" },
  },
});
