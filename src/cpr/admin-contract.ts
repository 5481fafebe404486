import { ADDRESSED, ADMIN_ONLY, VERSIONED } from "../admin/contract";
import type { AdminReason } from "../admin/errors";
import { declareRoutes } from "../shared/contract";
import type * as schemas from "./admin-schema";

/**
 * CPR tenant administration (docs/admin.md#apps): apps, their request-signing keys and transaction
 * revocation, behind the admin token. Every answer about an app carries its `ETag`; every change of it
 * honours `If-Match` (docs/admin.md#versions).
 */

const APP = { path: "/admin/v1/apps/{appId}", request: { param: "appIdParamSchema" } } as const;
const REQUEST_KEY = {
  path: "/admin/v1/apps/{appId}/request-keys/{keyId}",
  request: { param: "requestKeyParamsSchema" },
} as const;

export const cprAdminContract = declareRoutes<typeof schemas, AdminReason["code"]>()({
  createApp: {
    method: "post",
    path: "/admin/v1/apps",
    request: { json: "createAppSchema" },
    success: { status: 201, schema: "appSchema" },
    errors: ["invalid_request", "conflict"],
    security: ADMIN_ONLY,
    noStore: true,
    etag: true,
  },
  getApp: {
    method: "get",
    ...APP,
    success: { status: 200, schema: "appSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
    etag: true,
  },
  updateApp: {
    method: "patch",
    ...APP,
    request: { ...APP.request, json: "updateAppSchema" },
    success: { status: 200, schema: "appSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  deleteApp: {
    method: "delete",
    ...APP,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    ifMatch: true,
  },
  rotateAppKey: {
    method: "post",
    path: `${APP.path}/rotate-key`,
    request: { ...APP.request, json: "rotateKeySchema" },
    success: { status: 200, schema: "appKeyRotatedSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    noStore: true,
    etag: true,
    ifMatch: true,
  },
  putAppRequestKey: {
    method: "put",
    ...REQUEST_KEY,
    request: { ...REQUEST_KEY.request, json: "putRequestKeySchema" },
    // 200 when it replaced a key of the same id.
    success: { status: 201, schema: "requestKeySchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  deleteAppRequestKey: {
    method: "delete",
    ...REQUEST_KEY,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  revokeTransaction: {
    method: "post",
    path: "/admin/v1/apps/{appId}/transactions/{transactionId}/revoke",
    request: { param: "transactionParamsSchema" },
    success: { status: 200, schema: "transactionRevokedSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
});
