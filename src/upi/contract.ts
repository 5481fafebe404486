import { declareRoutes } from "../shared/contract";
import type { CustomerApiReason, ProcessReason } from "./errors";
import type * as schemas from "./schema";

/**
 * The UPI family's public routes (docs/upi.md): HyperAPI's `POST /hyperapi/process` (seed 000) in the
 * process envelope, and Juspay's Customer API (docs/upi.md#customer-api) in its own. Both read their bodies
 * themselves, in the family's order of checks: the bodies are declared by media type, for the document only.
 */

export const processContract = declareRoutes<typeof schemas, ProcessReason["code"]>()({
  processUpiSessionToken: {
    route: "POST /hyperapi/process",
    body: { "application/json": "processRequestSchema" },
    success: [200, "processSuccessSchema"],
    errors: [
      "missing_parameter",
      "invalid_input",
      "unsupported_action",
      "unknown_merchant",
      "unknown_key",
      "retired_key",
      "bad_signature",
      "timestamp_too_old",
      "timestamp_in_future",
      "client_token_unknown",
      "client_token_expired",
      "client_token_used_up",
      "duplicate_request",
      "ip_not_allowed",
    ],
    noStore: true,
  },
});

const ADDRESSED = ["invalid_input", "unauthenticated", "ip_not_allowed", "customer_not_found"] as const;

export const customersContract = declareRoutes<typeof schemas, CustomerApiReason["code"]>({
  security: [["merchantApiKey", "merchantIdHeader"]],
  noStore: true,
})({
  createUpiCustomer: {
    route: "POST /customers",
    body: {
      "application/x-www-form-urlencoded": "createCustomerFormSchema",
      "application/json": "createCustomerJsonSchema",
    },
    success: [200, "customerSchema"],
    errors: ["missing_parameter", "invalid_input", "unauthenticated", "ip_not_allowed", "customer_exists"],
  },
  getUpiCustomer: {
    route: "GET /customers/{customerId}",
    success: [200, "customerSchema"],
    errors: ADDRESSED,
    // Its body is read for the token option alone; a malformed one is invalid_input.
    faults: ["internal", "unavailable"],
    // With options.get_client_auth_token the GET mints a token: HEAD is 405 (docs/http.md#head).
    getHasEffects: true,
  },
  updateUpiCustomer: {
    route: "POST /customers/{customerId}",
    body: {
      "application/x-www-form-urlencoded": "updateCustomerFormSchema",
      "application/json": "updateCustomerJsonSchema",
    },
    success: [200, "customerSchema"],
    errors: ADDRESSED,
  },
});
