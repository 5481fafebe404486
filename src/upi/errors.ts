import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import {
  bodyTooLarge,
  errorResponse,
  faultReason,
  faultRenderer,
  RETRY_AFTER_SECONDS,
  wireOf,
} from "../shared/fault";

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
 * Why a `/hyperapi/process` call failed. Every signature failure shares one wire message and every
 * client-auth-token failure another, so a caller cannot probe which key ids or tokens exist; the
 * precise reason goes to the log.
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

/** What a failure echoes of the request (docs/upi.md#envelope: strings of at most 128 characters only). */
export interface ProcessEcho {
  readonly requestId: string;
  readonly action?: string;
}

/** A process failure before the request's echo is added. */
interface ProcessWire {
  readonly status: ContentfulStatusCode;
  readonly errorCode: UpiErrorCode;
  readonly errorMessage: string;
  readonly headers?: Record<string, string>;
}

const wire = (status: ContentfulStatusCode, errorCode: UpiErrorCode, errorMessage: string): ProcessWire => ({
  status,
  errorCode,
  errorMessage,
});
const SIGNATURE_FAILED = wire(401, "UNAUTHORIZED", "Signature verification failed");

// docs/upi.md: the process route's one mapping from reason to wire error, faults included.
const UPI_FAULTS = {
  missing_parameter: (reason) => wire(400, "MISSING_MANDATORY_PARAMETER", `${reason.field} is required`),
  invalid_input: (reason) => wire(400, "INVALID_INPUT", reason.message),
  unsupported_action: wire(
    400,
    "FEATURE_NOT_ENABLED",
    "payload.action must be upiGetSessionToken or updateAuth",
  ),
  unknown_merchant: SIGNATURE_FAILED,
  unknown_key: SIGNATURE_FAILED,
  retired_key: SIGNATURE_FAILED,
  bad_signature: SIGNATURE_FAILED,
  timestamp_too_old: wire(401, "REQUEST_EXPIRED", "signaturePayload timestamp is too old"),
  timestamp_in_future: wire(401, "REQUEST_EXPIRED", "signaturePayload timestamp is in the future"),
  client_token_unknown: wire(
    401,
    "UNAUTHORIZED",
    "clientAuthToken is not valid for this merchant and customer",
  ),
  client_token_expired: wire(401, "SESSION_EXPIRED", "clientAuthToken has expired"),
  client_token_used_up: wire(
    401,
    "SESSION_EXPIRED",
    "clientAuthToken has reached its maximum number of uses",
  ),
  duplicate_request: wire(409, "DUPLICATE_REQUEST", "This signaturePayload has already been used"),
  ip_not_allowed: wire(403, "BAD_ORIGIN", "Request not allowed from this IP"),
  not_found: wire(404, "NOT_FOUND", "No such endpoint"),
  method_not_allowed: wire(405, "METHOD_NOT_ALLOWED", "Method not allowed on this endpoint"),
  payload_too_large: (reason) => wire(413, "PAYLOAD_TOO_LARGE", bodyTooLarge(reason)),
  malformed_json: wire(400, "INVALID_INPUT", "Request body is not valid JSON"),
  internal: wire(500, "INTERNAL_ERROR", "Internal error"),
  unavailable: {
    ...wire(503, "SERVICE_UNAVAILABLE", "Temporarily unavailable, retry shortly"),
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
  },
} satisfies WireTable<ProcessReason | FaultReason, ProcessWire>;

const NO_ECHO: ProcessEcho = { requestId: "" };

/**
 * The process route's wire error for a reason, in the seed's envelope; `requestId` and `action` are
 * echoed only when the caller knows them.
 */
export function processError(reason: ProcessReason | FaultReason, echo: ProcessEcho = NO_ECHO): WireError {
  const { status, errorCode, errorMessage, headers } = wireOf<ProcessReason | FaultReason, ProcessWire>(
    UPI_FAULTS,
    reason,
  );
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

/**
 * Why a Customer API call failed. The envelope follows Juspay's Customer API errors:
 * `{"status","error_code","error_message","error_info":{"code","category","user_message","developer_message"}}`.
 */
export type CustomerApiReason =
  | { code: "missing_parameter"; field: string }
  | { code: "invalid_input"; field: string; message: string }
  | { code: "unauthenticated" }
  | { code: "ip_not_allowed" }
  | { code: "customer_exists" }
  | { code: "customer_not_found" };

function customerApiEnvelope(
  status: ContentfulStatusCode,
  kind: { status: string; errorCode: string; code: string; category: "USER_ERROR" | "SERVER_ERROR" },
  message: string,
  headers?: Record<string, string>,
): WireError {
  return {
    status,
    body: {
      status: kind.status,
      error_code: kind.errorCode,
      error_message: message,
      error_info: {
        code: kind.code,
        category: kind.category,
        user_message: message,
        developer_message: message,
      },
    },
    headers,
  };
}

const INVALID_REQUEST = { status: "invalid_request_error", errorCode: "invalid_request" } as const;
const ACCESS_DENIED = { status: "error", errorCode: "access_denied" } as const;

// Faults on `/customers` paths are user errors of their own `error_code`, or server errors.
function userError(status: ContentfulStatusCode, errorCode: string, message: string): WireError {
  return customerApiEnvelope(
    status,
    { status: "invalid_request_error", errorCode, code: "INVALID_INPUT", category: "USER_ERROR" },
    message,
  );
}

// docs/upi.md#customer-api: the Customer API's one mapping from reason to wire error, faults included.
const CUSTOMER_API_FAULTS = {
  missing_parameter: (reason) =>
    customerApiEnvelope(
      400,
      { ...INVALID_REQUEST, code: "MISSING_MANDATORY_PARAMETER", category: "USER_ERROR" },
      `Mandatory parameter ${reason.field} is missing`,
    ),
  invalid_input: (reason) =>
    customerApiEnvelope(
      400,
      { ...INVALID_REQUEST, code: "INVALID_INPUT", category: "USER_ERROR" },
      `Wrong value in ${reason.field}: ${reason.message}`,
    ),
  unauthenticated: customerApiEnvelope(
    401,
    { ...ACCESS_DENIED, code: "UNAUTHENTICATED", category: "USER_ERROR" },
    "Invalid API key or merchant id",
    { "WWW-Authenticate": 'Basic realm="authedge"' },
  ),
  ip_not_allowed: customerApiEnvelope(
    403,
    { ...ACCESS_DENIED, code: "BAD_ORIGIN", category: "USER_ERROR" },
    "Request not allowed from this IP",
  ),
  customer_exists: customerApiEnvelope(
    409,
    { status: "invalid_request_error", errorCode: "unique", code: "ALREADY_EXISTS", category: "USER_ERROR" },
    "Customer with given object reference id already exist for your account.",
  ),
  customer_not_found: customerApiEnvelope(
    404,
    {
      status: "invalid_request_error",
      // docs/upi.md#customer-api: Juspay's code for an unknown object, which its SDKs map to "not found".
      errorCode: "object_not_found",
      code: "RESOURCE_NOT_FOUND",
      category: "USER_ERROR",
    },
    "Customer not found",
  ),
  not_found: userError(404, "not_found", "No such endpoint"),
  method_not_allowed: userError(405, "method_not_allowed", "Method not allowed on this endpoint"),
  payload_too_large: (reason) => userError(413, "payload_too_large", bodyTooLarge(reason)),
  malformed_json: userError(400, "invalid_request", "Request body is not valid JSON"),
  internal: customerApiEnvelope(
    500,
    { status: "error", errorCode: "internal_error", code: "INTERNAL_ERROR", category: "SERVER_ERROR" },
    "Internal error",
  ),
  unavailable: customerApiEnvelope(
    503,
    { status: "error", errorCode: "unavailable", code: "INTERNAL_ERROR", category: "SERVER_ERROR" },
    "Temporarily unavailable, retry shortly",
    { "Retry-After": RETRY_AFTER_SECONDS },
  ),
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
