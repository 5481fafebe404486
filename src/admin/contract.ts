import { declareRoutes } from "../shared/contract";
import type { AdminReason } from "./errors";
import type * as eventSchemas from "./events-schema";
import type * as signingKeySchemas from "./signing-keys-schema";

/**
 * What every admin contract shares, and the admin routes that are no family's own (docs/admin.md): every
 * tenant's event log (docs/admin.md#event-log) and the signing key store (docs/operations.md#signing-keys).
 * The routes whose answer can carry a new secret (creation, rotate-key) are `noStore` (docs/admin.md#secrets).
 */

/** An admin contract: every route takes the admin bearer token (docs/admin.md#authentication), 401 without it. */
export const declareAdminRoutes = <Schemas>() =>
  declareRoutes<Schemas, AdminReason["code"]>({ security: [["adminToken"]] });

/** A route addressing one resource refuses a malformed id (400) and an unknown one (404). */
export const ADDRESSED = ["invalid_request", "not_found"] as const;
/** A change of a tenant also refuses a stale `If-Match` (412, docs/admin.md#versions). */
export const VERSIONED = [...ADDRESSED, "precondition_failed"] as const;
/** Reading a tenant answers its `ETag`; changing it honours `If-Match` and answers the new `ETag`. */
export const READ = { errors: ADDRESSED, etag: true } as const;
export const CHANGE = { errors: VERSIONED, etag: true, ifMatch: true } as const;
/** Deleting it honours `If-Match` (there is no version left to answer). */
export const REMOVAL = { errors: VERSIONED, ifMatch: true } as const;

// docs/admin.md#event-log: the log belongs to the id, so an unknown one answers an empty page (no 404).
const events = { success: [200, "eventPageSchema"], errors: ["invalid_request"], etag: true } as const;
const eventsOf = <const Param extends string>(param: Param) =>
  ({ ...events, request: { query: "eventsQuerySchema", param } }) as const;

export const eventsContract = declareAdminRoutes<typeof eventSchemas>()({
  listAppEvents: { route: "GET /admin/v1/apps/{appId}/events", ...eventsOf("appIdParamSchema") },
  listMerchantEvents: {
    route: "GET /admin/v1/merchants/{merchantId}/events",
    ...eventsOf("merchantParamSchema"),
  },
  listOrgEvents: { route: "GET /admin/v1/orgs/{id}/events", ...eventsOf("orgIdParamSchema") },
  listPortalUserEvents: { route: "GET /admin/v1/users/{email}/events", ...eventsOf("emailParamSchema") },
});

export const signingKeysContract = declareAdminRoutes<typeof signingKeySchemas>()({
  listSigningKeys: { route: "GET /admin/v1/signing-keys", success: [200, "signingKeysSchema"] },
  rotateSigningKeys: {
    route: "POST /admin/v1/signing-keys/rotate",
    request: { json: "rotateSigningKeysSchema" },
    success: [200, "signingKeysRotatedSchema"],
    errors: ["invalid_request", "too_early"],
  },
  importSigningKey: {
    route: "POST /admin/v1/signing-keys/import",
    request: { json: "importSigningKeySchema" },
    success: [201, "signingKeyImportedSchema"],
    errors: ["invalid_request", "conflict"],
  },
  revokeSigningKey: {
    route: "POST /admin/v1/signing-keys/{kid}/revoke",
    request: { param: "kidParamSchema" },
    success: [200, "signingKeyRevokedSchema"],
    errors: ADDRESSED,
  },
  listSigningKeyEvents: {
    route: "GET /admin/v1/signing-keys/events",
    request: { query: "signingKeyEventsQuerySchema" },
    success: [200, "signingKeyEventPageSchema"],
    errors: ["invalid_request"],
  },
});
