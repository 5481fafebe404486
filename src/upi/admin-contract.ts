import { ADDRESSED, ADMIN_ONLY, VERSIONED } from "../admin/contract";
import type { AdminReason } from "../admin/errors";
import { declareRoutes } from "../shared/contract";
import type * as schemas from "./admin-schema";

/**
 * UPI tenant administration (docs/admin.md#merchants): merchants, their signing keys and their customers'
 * state and sessions, behind the admin token. Every answer about a merchant carries its `ETag`; every
 * change of it honours `If-Match` (docs/admin.md#versions); its customers' state is no part of its version.
 */

const MERCHANT = {
  path: "/admin/v1/merchants/{merchantId}",
  request: { param: "merchantParamSchema" },
} as const;
const KEY = {
  path: "/admin/v1/merchants/{merchantId}/keys/{merchantKeyId}",
  request: { param: "keyParamSchema" },
} as const;
const CUSTOMER = {
  path: "/admin/v1/merchants/{merchantId}/customers/{customerId}",
  request: { param: "customerIdParamSchema" },
} as const;

export const upiAdminContract = declareRoutes<typeof schemas, AdminReason["code"]>()({
  createMerchant: {
    method: "post",
    path: "/admin/v1/merchants",
    request: { json: "createMerchantSchema" },
    success: { status: 201, schema: "merchantSchema" },
    errors: ["invalid_request", "conflict"],
    security: ADMIN_ONLY,
    noStore: true,
    etag: true,
  },
  getMerchant: {
    method: "get",
    ...MERCHANT,
    success: { status: 200, schema: "merchantSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
    etag: true,
  },
  updateMerchant: {
    method: "patch",
    ...MERCHANT,
    request: { ...MERCHANT.request, json: "updateMerchantSchema" },
    success: { status: 200, schema: "merchantSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  deleteMerchant: {
    method: "delete",
    ...MERCHANT,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    ifMatch: true,
  },
  rotateMerchantApiKey: {
    method: "post",
    path: `${MERCHANT.path}/rotate-key`,
    request: { ...MERCHANT.request, json: "rotateKeySchema" },
    success: { status: 200, schema: "merchantApiKeyRotatedSchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    noStore: true,
    etag: true,
    ifMatch: true,
  },
  putMerchantKey: {
    method: "put",
    ...KEY,
    request: { ...KEY.request, json: "putKeySchema" },
    // 200 when it replaced a key of the same id.
    success: { status: 201, schema: "merchantKeySchema" },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  retireMerchantKey: {
    method: "delete",
    ...KEY,
    success: { status: 204 },
    errors: VERSIONED,
    security: ADMIN_ONLY,
    etag: true,
    ifMatch: true,
  },
  getCustomerState: {
    method: "get",
    ...CUSTOMER,
    success: { status: 200, schema: "customerStateSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
  bindCustomerDevice: {
    method: "put",
    path: `${CUSTOMER.path}/device`,
    request: { ...CUSTOMER.request, json: "deviceBindingSchema" },
    success: { status: 200, schema: "customerStateSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
  unbindCustomerDevice: {
    method: "delete",
    path: `${CUSTOMER.path}/device`,
    request: CUSTOMER.request,
    success: { status: 204 },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
  setCustomerVpaAccounts: {
    method: "put",
    path: `${CUSTOMER.path}/vpa-accounts`,
    request: { ...CUSTOMER.request, json: "vpaAccountsSchema" },
    success: { status: 200, schema: "customerStateSchema" },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
  revokeCustomerSessions: {
    method: "post",
    path: `${CUSTOMER.path}/revoke-sessions`,
    request: CUSTOMER.request,
    success: { status: 204 },
    errors: ADDRESSED,
    security: ADMIN_ONLY,
  },
});
