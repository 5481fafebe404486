import { ADDRESSED, CHANGE, declareAdminRoutes, READ, REMOVAL } from "../admin/contract";
import type * as schemas from "./admin-schema";

/**
 * UPI tenant administration (docs/admin.md#merchants): merchants, their signing keys and their customers'
 * state and sessions, behind the admin token. Every answer about a merchant carries its `ETag`; every
 * change of it honours `If-Match` (docs/admin.md#versions); its customers' state is no part of its version.
 */

const MERCHANT = "/admin/v1/merchants/{merchantId}";
const BY_MERCHANT = { param: "merchantParamSchema" } as const;
const KEY = `${MERCHANT}/keys/{merchantKeyId}` as const;
const BY_KEY = { param: "keyParamSchema" } as const;
const CUSTOMER = `${MERCHANT}/customers/{customerId}` as const;
const BY_CUSTOMER = { param: "customerIdParamSchema" } as const;
const OF_CUSTOMER = { request: BY_CUSTOMER, errors: ADDRESSED } as const;

export const upiAdminContract = declareAdminRoutes<typeof schemas>()({
  createMerchant: {
    route: "POST /admin/v1/merchants",
    request: { json: "createMerchantSchema" },
    success: [201, "merchantSchema"],
    errors: ["invalid_request", "conflict"],
    noStore: true,
    etag: true,
  },
  getMerchant: { route: `GET ${MERCHANT}`, request: BY_MERCHANT, success: [200, "merchantSchema"], ...READ },
  updateMerchant: {
    route: `PATCH ${MERCHANT}`,
    request: { ...BY_MERCHANT, json: "updateMerchantSchema" },
    success: [200, "merchantSchema"],
    ...CHANGE,
  },
  deleteMerchant: { route: `DELETE ${MERCHANT}`, request: BY_MERCHANT, success: [204], ...REMOVAL },
  rotateMerchantApiKey: {
    route: `POST ${MERCHANT}/rotate-key`,
    request: { ...BY_MERCHANT, json: "rotateKeySchema" },
    success: [200, "merchantApiKeyRotatedSchema"],
    ...CHANGE,
    noStore: true,
  },
  putMerchantKey: {
    route: `PUT ${KEY}`,
    request: { ...BY_KEY, json: "putKeySchema" },
    // 200 when it replaced a key of the same id.
    success: [201, "merchantKeySchema"],
    ...CHANGE,
  },
  retireMerchantKey: { route: `DELETE ${KEY}`, request: BY_KEY, success: [204], ...CHANGE },
  getCustomerState: { route: `GET ${CUSTOMER}`, success: [200, "customerStateSchema"], ...OF_CUSTOMER },
  bindCustomerDevice: {
    route: `PUT ${CUSTOMER}/device`,
    request: { ...BY_CUSTOMER, json: "deviceBindingSchema" },
    success: [200, "customerStateSchema"],
    errors: ADDRESSED,
  },
  unbindCustomerDevice: { route: `DELETE ${CUSTOMER}/device`, success: [204], ...OF_CUSTOMER },
  setCustomerVpaAccounts: {
    route: `PUT ${CUSTOMER}/vpa-accounts`,
    request: { ...BY_CUSTOMER, json: "vpaAccountsSchema" },
    success: [200, "customerStateSchema"],
    errors: ADDRESSED,
  },
  revokeCustomerSessions: { route: `POST ${CUSTOMER}/revoke-sessions`, success: [204], ...OF_CUSTOMER },
});
