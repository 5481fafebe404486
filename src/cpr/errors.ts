import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

/** Why a CPR request failed; the precise cause of a 401 goes only to the log (SPEC §3). */
export type CprReason =
  | { code: "invalid_request_body"; message: string }
  | { code: "unauthorized_access" }
  | { code: "workflow_not_found" }
  | { code: "unique_id_conflict" };

// Seed 002, "Error Responses": {"statusCode","status":"failure","error","errorCode"}.
function envelope(
  status: ContentfulStatusCode,
  errorCode: string,
  error: string,
  headers?: Record<string, string>,
): WireError {
  return { status, body: { statusCode: status, status: "failure", error, errorCode }, headers };
}

/** The CPR family's one mapping from reason to wire error. */
export function cprError(reason: CprReason): WireError {
  switch (reason.code) {
    case "invalid_request_body":
      return envelope(400, "invalid_request_body", reason.message);
    case "unauthorized_access":
      return envelope(401, "unauthorized_access", "IP not whitelisted or authorization failed");
    case "workflow_not_found":
      return envelope(404, "workflow_not_found", "Workflow not found");
    case "unique_id_conflict":
      return envelope(409, "unique_id_conflict", "Unique ID conflict for this transaction");
  }
}

export function renderCprFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return envelope(404, "not_found", "Route not found");
    case "method_not_allowed":
      return envelope(405, "method_not_allowed", "Method not allowed");
    case "payload_too_large":
      return envelope(413, "invalid_request_body", "Request body exceeds 64 KiB");
    case "malformed_json":
      return envelope(400, "invalid_request_body", "Request body is not valid JSON");
    case "internal":
      return envelope(500, "internal_server_error", "Internal server error");
    case "unavailable":
      return envelope(503, "service_unavailable", "Service temporarily unavailable", {
        "Retry-After": RETRY_AFTER_SECONDS,
      });
  }
}
