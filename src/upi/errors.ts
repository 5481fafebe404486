import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AppContext, annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import { errorResponse, faultReason, faultRenderer, faultWires, wireOf } from "../shared/fault";
import { fail } from "../shared/result";

/** Juspay's error vocabulary (docs/upi.md#error-codes). */
type UpiErrorCode =
  | "MISSING_MANDATORY_PARAMETER"
  | "INVALID_INPUT"
  | "UNAUTHORIZED"
  | "REQUEST_EXPIRED"
  | "SESSION_EXPIRED"
  | "DUPLICATE_REQUEST"
  | "BAD_ORIGIN"
  | "FEATURE_NOT_ENABLED"
  | "INTERNAL_ERROR"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "SERVICE_UNAVAILABLE";

/**
 * Why a process call failed, logged; the wire tells no key or token apart, so a caller cannot probe which
 * exist (docs/upi.md#uniform-failures).
 */
export type ProcessReason =
  | { code: "missing_parameter"; field: string }
  | { code: "invalid_input"; message: string }
  | { code: "unsupported_action" }
  | { code: "unknown_merchant" }
  | { code: "unknown_key" }
  | { code: "retired_key" }
  | { code: "bad_signature" }
  | { code: "timestamp_too_old" }
  | { code: "timestamp_in_future" }
  | { code: "client_token_unknown" }
  | { code: "client_token_expired" }
  | { code: "client_token_used_up" }
  | { code: "duplicate_request" }
  | { code: "ip_not_allowed" };

export const invalidInput = (message: string) => fail<ProcessReason>({ code: "invalid_input", message });
export const missingParameter = (field: string) => fail<ProcessReason>({ code: "missing_parameter", field });

/** What a failure echoes of the request (docs/upi.md#envelope: strings of at most 128 characters only). */
export interface ProcessEcho {
  readonly requestId: string;
  readonly action?: string;
}

/** A process failure before the request's echo is added: status, errorCode, errorMessage, headers. */
type ProcessWire = readonly [ContentfulStatusCode, UpiErrorCode, string, Record<string, string>?];

const SIGNATURE_FAILED: ProcessWire = [401, "UNAUTHORIZED", "Signature verification failed"];

// docs/upi.md: the process route's one mapping from reason to wire error, faults included.
const UPI_FAULTS = {
  missing_parameter: (reason) => [400, "MISSING_MANDATORY_PARAMETER", `${reason.field} is required`],
  invalid_input: (reason) => [400, "INVALID_INPUT", reason.message],
  unsupported_action: [400, "FEATURE_NOT_ENABLED", "payload.action must be upiGetSessionToken or updateAuth"],
  unknown_merchant: SIGNATURE_FAILED,
  unknown_key: SIGNATURE_FAILED,
  retired_key: SIGNATURE_FAILED,
  bad_signature: SIGNATURE_FAILED,
  timestamp_too_old: [401, "REQUEST_EXPIRED", "signaturePayload timestamp is too old"],
  timestamp_in_future: [401, "REQUEST_EXPIRED", "signaturePayload timestamp is in the future"],
  client_token_unknown: [401, "UNAUTHORIZED", "clientAuthToken is not valid for this merchant and customer"],
  client_token_expired: [401, "SESSION_EXPIRED", "clientAuthToken has expired"],
  client_token_used_up: [401, "SESSION_EXPIRED", "clientAuthToken has reached its maximum number of uses"],
  duplicate_request: [409, "DUPLICATE_REQUEST", "This signaturePayload has already been used"],
  ip_not_allowed: [403, "BAD_ORIGIN", "Request not allowed from this IP"],
  ...faultWires((...wire: ProcessWire) => wire, {
    not_found: ["NOT_FOUND", "No such endpoint"],
    method_not_allowed: ["METHOD_NOT_ALLOWED", "Method not allowed on this endpoint"],
    payload_too_large: "PAYLOAD_TOO_LARGE",
    malformed_json: ["INVALID_INPUT", "Request body is not valid JSON"],
    internal: ["INTERNAL_ERROR", "Internal error"],
    unavailable: ["SERVICE_UNAVAILABLE", "Temporarily unavailable, retry shortly"],
  }),
} satisfies WireTable<ProcessReason | FaultReason, ProcessWire>;

const NO_ECHO: ProcessEcho = { requestId: "" };

/** The process route's wire error for a reason, in the seed's envelope, echoing what the caller sent. */
export function processError(reason: ProcessReason | FaultReason, echo: ProcessEcho = NO_ECHO): WireError {
  const [status, errorCode, errorMessage, headers]: ProcessWire = wireOf(UPI_FAULTS, reason);
  const { requestId, action } = echo;
  return {
    status,
    body: {
      requestId,
      service: "in.juspay.hyperapi",
      payload: action === undefined ? { status: "FAILURE" } : { action, status: "FAILURE" },
      error: true,
      errorMessage,
      errorCode,
      event: "process_result",
    },
    headers,
  };
}

/** The process envelope for the faults of docs/http.md#families-by-prefix. */
export const renderUpiFault: FaultRenderer = (fault, maxBodyBytes) =>
  processError(faultReason(fault, maxBodyBytes));

/** Answers with the reason's wire error and logs the reason. */
export function upiFailure(c: AppContext, reason: ProcessReason | FaultReason, echo: ProcessEcho): Response {
  annotate(c, { reason: reason.code });
  return errorResponse(processError(reason, echo));
}

/** Why a Customer API call failed, answered in Juspay's Customer API error envelope. */
export type CustomerApiReason =
  | { code: "missing_parameter"; field: string }
  | { code: "invalid_input"; field: string; message: string }
  | { code: "unauthenticated" }
  | { code: "ip_not_allowed" }
  | { code: "customer_exists" }
  | { code: "customer_not_found" };

/** Juspay's `status` and `error_code`; `error_info.category` follows the HTTP status. */
type Kind = readonly [status: string, errorCode: string];
const INVALID_REQUEST: Kind = ["invalid_request_error", "invalid_request"];
const ACCESS_DENIED: Kind = ["error", "access_denied"];

function customerApiEnvelope(
  status: ContentfulStatusCode,
  [kindStatus, errorCode]: Kind,
  code: string,
  message: string,
  headers?: Record<string, string>,
): WireError {
  const category = status < 500 ? "USER_ERROR" : "SERVER_ERROR";
  return {
    status,
    body: {
      status: kindStatus,
      error_code: errorCode,
      error_message: message,
      error_info: { code, category, user_message: message, developer_message: message },
    },
    headers,
  };
}

// Faults on `/customers` paths are user errors of their own `error_code`, or server errors.
const faultEnvelope = (
  status: ContentfulStatusCode,
  errorCode: string,
  message: string,
  headers?: Record<string, string>,
) =>
  status < 500
    ? customerApiEnvelope(status, ["invalid_request_error", errorCode], "INVALID_INPUT", message, headers)
    : customerApiEnvelope(status, ["error", errorCode], "INTERNAL_ERROR", message, headers);

// docs/upi.md#customer-api: the Customer API's one mapping from reason to wire error, faults included.
const CUSTOMER_API_FAULTS = {
  missing_parameter: (reason) =>
    customerApiEnvelope(
      400,
      INVALID_REQUEST,
      "MISSING_MANDATORY_PARAMETER",
      `Mandatory parameter ${reason.field} is missing`,
    ),
  invalid_input: (reason) =>
    customerApiEnvelope(
      400,
      INVALID_REQUEST,
      "INVALID_INPUT",
      `Wrong value in ${reason.field}: ${reason.message}`,
    ),
  unauthenticated: customerApiEnvelope(
    401,
    ACCESS_DENIED,
    "UNAUTHENTICATED",
    "Invalid API key or merchant id",
    { "WWW-Authenticate": 'Basic realm="authedge"' },
  ),
  ip_not_allowed: customerApiEnvelope(403, ACCESS_DENIED, "BAD_ORIGIN", "Request not allowed from this IP"),
  customer_exists: customerApiEnvelope(
    409,
    ["invalid_request_error", "unique"],
    "ALREADY_EXISTS",
    "Customer with given object reference id already exist for your account.",
  ),
  // docs/upi.md#customer-api: Juspay's code for an unknown object, which its SDKs map to "not found".
  customer_not_found: customerApiEnvelope(
    404,
    ["invalid_request_error", "object_not_found"],
    "RESOURCE_NOT_FOUND",
    "Customer not found",
  ),
  ...faultWires(faultEnvelope, {
    not_found: ["not_found", "No such endpoint"],
    method_not_allowed: ["method_not_allowed", "Method not allowed on this endpoint"],
    payload_too_large: "payload_too_large",
    malformed_json: ["invalid_request", "Request body is not valid JSON"],
    internal: ["internal_error", "Internal error"],
    unavailable: ["unavailable", "Temporarily unavailable, retry shortly"],
  }),
} satisfies WireTable<CustomerApiReason | FaultReason>;

/** The Customer API's wire error for a reason. */
export const customerApiError = (reason: CustomerApiReason | FaultReason): WireError =>
  wireOf(CUSTOMER_API_FAULTS, reason);

/** Faults on `/customers` paths, in the Customer API's envelope. */
export const renderCustomerApiFault: FaultRenderer = faultRenderer(CUSTOMER_API_FAULTS);

/** Answers with the reason's wire error; logs the reason unless a more precise one is logged already. */
export function customerApiFailure(c: AppContext, reason: CustomerApiReason): Response {
  if (c.get("logFields").reason === undefined) annotate(c, { reason: reason.code });
  return errorResponse(customerApiError(reason));
}
