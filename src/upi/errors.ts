import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

/** Juspay's error vocabulary (SPEC §5). */
export type UpiErrorCode =
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
export function processFailure(
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
