import { ADDRESSED, CHANGE, declareAdminRoutes, READ, REMOVAL } from "../admin/contract";
import type * as schemas from "./admin-schema";

/**
 * CPR tenant administration (docs/admin.md#apps): apps, their request-signing keys and transaction
 * revocation, behind the admin token. Every answer about an app carries its `ETag`; every change of it
 * honours `If-Match` (docs/admin.md#versions).
 */

const APP = "/admin/v1/apps/{appId}";
const BY_APP = { param: "appIdParamSchema" } as const;
const REQUEST_KEY = `${APP}/request-keys/{keyId}` as const;
const BY_KEY = { param: "requestKeyParamsSchema" } as const;

export const cprAdminContract = declareAdminRoutes<typeof schemas>()({
  createApp: {
    route: "POST /admin/v1/apps",
    request: { json: "createAppSchema" },
    success: [201, "appSchema"],
    errors: ["invalid_request", "conflict"],
    noStore: true,
    etag: true,
  },
  getApp: { route: `GET ${APP}`, request: BY_APP, success: [200, "appSchema"], ...READ },
  updateApp: {
    route: `PATCH ${APP}`,
    request: { ...BY_APP, json: "updateAppSchema" },
    success: [200, "appSchema"],
    ...CHANGE,
  },
  deleteApp: { route: `DELETE ${APP}`, request: BY_APP, success: [204], ...REMOVAL },
  rotateAppKey: {
    route: `POST ${APP}/rotate-key`,
    request: { ...BY_APP, json: "rotateKeySchema" },
    success: [200, "appKeyRotatedSchema"],
    ...CHANGE,
    noStore: true,
  },
  putAppRequestKey: {
    route: `PUT ${REQUEST_KEY}`,
    request: { ...BY_KEY, json: "putRequestKeySchema" },
    // 200 when it replaced a key of the same id.
    success: [201, "requestKeySchema"],
    ...CHANGE,
  },
  deleteAppRequestKey: { route: `DELETE ${REQUEST_KEY}`, request: BY_KEY, success: [204], ...CHANGE },
  revokeTransaction: {
    route: `POST ${APP}/transactions/{transactionId}/revoke`,
    request: { param: "transactionParamsSchema" },
    success: [200, "transactionRevokedSchema"],
    errors: ADDRESSED,
  },
});
