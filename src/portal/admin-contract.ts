import { CHANGE, declareAdminRoutes, READ, REMOVAL, VERSIONED } from "../admin/contract";
import type * as schemas from "./admin-schema";

/**
 * Portal tenant administration (docs/admin.md#orgs-and-users): organizations and their users, behind the
 * admin token. Every answer about an org or a user carries its `ETag`; every change of one honours
 * `If-Match` (docs/admin.md#versions).
 */

const ORG = "/admin/v1/orgs/{id}";
const BY_ORG = { param: "orgIdParamSchema" } as const;
const USER = "/admin/v1/users/{email}";
const BY_USER = { param: "emailParamSchema" } as const;

export const portalAdminContract = declareAdminRoutes<typeof schemas>()({
  createOrg: {
    route: "POST /admin/v1/orgs",
    request: { json: "createOrgSchema" },
    success: [201, "orgAdminSchema"],
    errors: ["invalid_request"],
    etag: true,
  },
  getOrg: { route: `GET ${ORG}`, request: BY_ORG, success: [200, "orgAdminSchema"], ...READ },
  updateOrg: {
    route: `PATCH ${ORG}`,
    request: { ...BY_ORG, json: "updateOrgSchema" },
    success: [200, "orgAdminSchema"],
    ...CHANGE,
  },
  // An org is deleted only once it has no users (409).
  deleteOrg: {
    route: `DELETE ${ORG}`,
    request: BY_ORG,
    success: [204],
    ...REMOVAL,
    errors: [...VERSIONED, "conflict"],
  },
  // If-Match names the org's version: the user joins the org's list.
  createPortalUser: {
    route: `POST ${ORG}/users`,
    request: { ...BY_ORG, json: "createUserSchema" },
    success: [201, "userSchema"],
    ...CHANGE,
    errors: [...VERSIONED, "conflict"],
  },
  getPortalUser: { route: `GET ${USER}`, request: BY_USER, success: [200, "userSchema"], ...READ },
  updatePortalUser: {
    route: `PATCH ${USER}`,
    request: { ...BY_USER, json: "updateUserSchema" },
    success: [200, "userSchema"],
    ...CHANGE,
  },
  deletePortalUser: { route: `DELETE ${USER}`, request: BY_USER, success: [204], ...REMOVAL },
  unlockPortalUser: { route: `POST ${USER}/unlock`, request: BY_USER, success: [204], ...CHANGE },
});
