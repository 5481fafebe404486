import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

/** Juspay's error vocabulary (SPEC §5). */
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

/** The seed's response envelope for a failure; `requestId` is echoed only when the caller knows it. */
function processFailure(
  status: ContentfulStatusCode,
  errorCode: UpiErrorCode,
  errorMessage: string,
  requestId = "",
  action?: string,
  headers?: Record<string, string>,
): WireError {
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

/** What a failure echoes of the request (SPEC §5: strings of at most 128 characters only). */
export interface ProcessEcho {
  readonly requestId: string;
  readonly action?: string;
}

/** The process route's one mapping from reason to wire error. */
export function processError(reason: ProcessReason, echo: ProcessEcho): WireError {
  const fail = (status: ContentfulStatusCode, code: UpiErrorCode, message: string) =>
    processFailure(status, code, message, echo.requestId, echo.action);
  switch (reason.code) {
    case "missing_parameter":
      return fail(400, "MISSING_MANDATORY_PARAMETER", `${reason.field} is required`);
    case "invalid_input":
      return fail(400, "INVALID_INPUT", reason.message);
    case "unsupported_action":
      return fail(400, "FEATURE_NOT_ENABLED", "payload.action must be upiGetSessionToken or updateAuth");
    case "unknown_merchant":
    case "unknown_key":
    case "retired_key":
    case "bad_signature":
      return fail(401, "UNAUTHORIZED", "Signature verification failed");
    case "timestamp_too_old":
      return fail(401, "REQUEST_EXPIRED", "signaturePayload timestamp is too old");
    case "timestamp_in_future":
      return fail(401, "REQUEST_EXPIRED", "signaturePayload timestamp is in the future");
    case "client_token_unknown":
      return fail(401, "UNAUTHORIZED", "clientAuthToken is not valid for this merchant and customer");
    case "client_token_expired":
      return fail(401, "SESSION_EXPIRED", "clientAuthToken has expired");
    case "client_token_used_up":
      return fail(401, "SESSION_EXPIRED", "clientAuthToken has reached its maximum number of uses");
    case "duplicate_request":
      return fail(409, "DUPLICATE_REQUEST", "This signaturePayload has already been used");
    case "ip_not_allowed":
      return fail(403, "BAD_ORIGIN", "Request not allowed from this IP");
  }
}

export function renderUpiFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return processFailure(404, "NOT_FOUND", "No such endpoint");
    case "method_not_allowed":
      return processFailure(405, "METHOD_NOT_ALLOWED", "Method not allowed on this endpoint");
    case "payload_too_large":
      return processFailure(413, "PAYLOAD_TOO_LARGE", "Request body exceeds 64 KiB");
    case "malformed_json":
      return processFailure(400, "INVALID_INPUT", "Request body is not valid JSON");
    case "internal":
      return processFailure(500, "INTERNAL_ERROR", "Internal error");
    case "unavailable":
      return processFailure(
        503,
        "SERVICE_UNAVAILABLE",
        "Temporarily unavailable, retry shortly",
        "",
        undefined,
        {
          "Retry-After": RETRY_AFTER_SECONDS,
        },
      );
  }
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

/** The Customer API's one mapping from reason to wire error. */
export function customerApiError(reason: CustomerApiReason): WireError {
  switch (reason.code) {
    case "missing_parameter":
      return customerApiEnvelope(
        400,
        { ...INVALID_REQUEST, code: "MISSING_MANDATORY_PARAMETER", category: "USER_ERROR" },
        `Mandatory parameter ${reason.field} is missing`,
      );
    case "invalid_input":
      return customerApiEnvelope(
        400,
        { ...INVALID_REQUEST, code: "INVALID_INPUT", category: "USER_ERROR" },
        `Wrong value in ${reason.field}: ${reason.message}`,
      );
    case "unauthenticated":
      return customerApiEnvelope(
        401,
        { ...ACCESS_DENIED, code: "UNAUTHENTICATED", category: "USER_ERROR" },
        "Invalid API key or merchant id",
        { "WWW-Authenticate": 'Basic realm="authedge"' },
      );
    case "ip_not_allowed":
      return customerApiEnvelope(
        403,
        { ...ACCESS_DENIED, code: "BAD_ORIGIN", category: "USER_ERROR" },
        "Request not allowed from this IP",
      );
    case "customer_exists":
      return customerApiEnvelope(
        409,
        {
          status: "invalid_request_error",
          errorCode: "unique",
          code: "ALREADY_EXISTS",
          category: "USER_ERROR",
        },
        "Customer with given object reference id already exist for your account.",
      );
    case "customer_not_found":
      return customerApiEnvelope(
        404,
        {
          status: "invalid_request_error",
          // SPEC §5: Juspay's code for an unknown object, which its SDKs map to "not found".
          errorCode: "object_not_found",
          code: "RESOURCE_NOT_FOUND",
          category: "USER_ERROR",
        },
        "Customer not found",
      );
  }
}

/** Faults on `/customers` paths, in the Customer API's envelope. */
export function renderCustomerApiFault(fault: Fault): WireError {
  const userError = (status: ContentfulStatusCode, errorCode: string, message: string) =>
    customerApiEnvelope(
      status,
      { status: "invalid_request_error", errorCode, code: "INVALID_INPUT", category: "USER_ERROR" },
      message,
    );
  switch (fault) {
    case "not_found":
      return userError(404, "not_found", "No such endpoint");
    case "method_not_allowed":
      return userError(405, "method_not_allowed", "Method not allowed on this endpoint");
    case "payload_too_large":
      return userError(413, "payload_too_large", "Request body exceeds 64 KiB");
    case "malformed_json":
      return userError(400, "invalid_request", "Request body is not valid JSON");
    case "internal":
      return customerApiEnvelope(
        500,
        { status: "error", errorCode: "internal_error", code: "INTERNAL_ERROR", category: "SERVER_ERROR" },
        "Internal error",
      );
    case "unavailable":
      return customerApiEnvelope(
        503,
        { status: "error", errorCode: "unavailable", code: "INTERNAL_ERROR", category: "SERVER_ERROR" },
        "Temporarily unavailable, retry shortly",
        { "Retry-After": RETRY_AFTER_SECONDS },
      );
  }
}
