import { declareRoutes } from "../shared/contract";
import type { AdminReason } from "./errors";
import type * as eventSchemas from "./events-schema";
import type * as signingKeySchemas from "./signing-keys-schema";

/**
 * The admin routes that are no family's own (docs/admin.md): every tenant's event log
 * (docs/admin.md#event-log) and the signing key store (docs/operations.md#signing-keys), and what every
 * admin contract shares. Each family's tenant administration has its contract beside it
 * (`src/<family>/admin-contract.ts`). The routes whose answer can carry a new secret (creation,
 * rotate-key) are `noStore` (docs/admin.md#secrets).
 */

/** Every admin route: the admin bearer token (docs/admin.md#authentication); 401 without it. */
export const ADMIN_ONLY = [["adminToken"]] as const;
/** A route addressing one resource refuses a malformed id (400) and an unknown one (404). */
export const ADDRESSED = ["invalid_request", "not_found"] as const;
/** A change of a tenant also refuses a stale `If-Match` (412, docs/admin.md#versions). */
export const VERSIONED = [...ADDRESSED, "precondition_failed"] as const;

// docs/admin.md#event-log: the log belongs to the id, so an unknown one answers an empty page (no 404).
const events = {
  method: "get",
  request: { query: "eventsQuerySchema" },
  success: { status: 200, schema: "eventPageSchema" },
  errors: ["invalid_request"],
  security: ADMIN_ONLY,
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

export const signingKeysContract = declareRoutes<typeof signingKeySchemas, AdminReason["code"]>()({
  listSigningKeys: {
    method: "get",
    path: "/admin/v1/signing-keys",
    success: { status: 200, schema: "signingKeysSchema" },
    errors: [],
    security: ADMIN_ONLY,
  },
  rotateSigningKeys: {
    method: "post",
    path: "/admin/v1/signing-keys/rotate",
    request: { json: "rotateSigningKeysSchema" },
    success: { status: 200, schema: "signingKeysRotatedSchema" },
    errors: ["invalid_request", "too_early"],
    security: ADMIN_ONLY,
  },
  importSigningKey: {
    method: "post",
    path: "/admin/v1/signing-keys/import",
    request: { json: "importSigningKeySchema" },
    success: { status: 201, schema: "signingKeyImportedSchema" },
    errors: ["invalid_request", "conflict"],
    security: ADMIN_ONLY,
  },
  revokeSigningKey: {
    method: "post",
    path: "/admin/v1/signing-keys/{kid}/revoke",
    request: { param: "kidParamSchema" },
    success: { status: 200, schema: "signingKeyRevokedSchema" },
    errors: ["invalid_request", "not_found"],
    security: ADMIN_ONLY,
  },
  listSigningKeyEvents: {
    method: "get",
    path: "/admin/v1/signing-keys/events",
    request: { query: "signingKeyEventsQuerySchema" },
    success: { status: 200, schema: "signingKeyEventPageSchema" },
    errors: ["invalid_request"],
    security: ADMIN_ONLY,
  },
});
