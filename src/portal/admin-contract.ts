import { ADDRESSED, ADMIN_ONLY, VERSIONED } from "../admin/contract";
import type { AdminReason } from "../admin/errors";
import { declareRoutes } from "../shared/contract";
import type * as schemas from "./admin-schema";

/**
 * Portal tenant administration (docs/admin.md#orgs-and-users): organizations and their users, behind the
 * admin token. Every answer about an org or a user carries its `ETag`; every change of one honours
 * `If-Match` (docs/admin.md#versions).
 */

const ORG = { path: "/admin/v1/orgs/{id}", request: { param: "orgIdParamSchema" } } as const;
const USER = { path: "/admin/v1/users/{email}", request: { param: "emailParamSchema" } } as const;

export const portalAdminContract = declareRoutes<typeof schemas, AdminReason["code"]>()({
  createOrg: {
    method: "post",
    path: "/admin/v1/orgs",
    request: { json: "createOrgSchema" },
    success: { status: 201, schema: "orgAdminSchema" },
    errors: ["invalid_request"],
    security: ADMIN_ONLY,
    etag: true,
  },
  getOrg: {
    method: "get",
    ...ORG,
    success: { status: 200, schema: "orgAdminSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
    etag: true,
  },
  updateOrg: {
    method: "patch",
    ...ORG,
    request: { ...ORG.request, json: "updateOrgSchema" },
    success: { status: 200, schema: "orgAdminSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  // An org is deleted only once it has no users (409).
  deleteOrg: {
    method: "delete",
    ...ORG,
    success: { status: 204 },
    errors: ["invalid_request", "not_found", "conflict", "precondition_failed"],
    security: ADMIN_ONLY,
    ifMatch: true,
  },
  // If-Match names the org's version: the user joins the org's list.
  createPortalUser: {
    method: "post",
    path: `${ORG.path}/users`,
    request: { ...ORG.request, json: "createUserSchema" },
    success: { status: 201, schema: "userSchema" },
    errors: ["invalid_request", "not_found", "conflict", "precondition_failed"],
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  getPortalUser: {
    method: "get",
    ...USER,
    success: { status: 200, schema: "userSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
    etag: true,
  },
  updatePortalUser: {
    method: "patch",
    ...USER,
    request: { ...USER.request, json: "updateUserSchema" },
    success: { status: 200, schema: "userSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  deletePortalUser: {
    method: "delete",
    ...USER,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    ifMatch: true,
  },
  unlockPortalUser: {
    method: "post",
    path: `${USER.path}/unlock`,
    request: USER.request,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
});
