import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import type { Fault, WireError } from "../shared/fault";
import { errorResponse, RETRY_AFTER_SECONDS } from "../shared/fault";
import type { SignatureRejection } from "./request-signature";

/** The precise cause behind a 401; it goes to the log, never to the client (SPEC §3 item 1). */
export type AccessDenial =
  | "credentials_missing"
  | "unknown_app"
  | "app_key_mismatch"
  | "token_not_live"
  | "appid_header_mismatch"
  | "token_transaction_mismatch"
  | "signature_replayed"
  | "ip_unknown"
  | "ip_not_allowed"
  | SignatureRejection;

/** Why a CPR request failed; the precise cause of a 401 goes only to the log (SPEC §3). */
export type CprReason =
  | { code: "invalid_request_body"; message: string }
  | { code: "unauthorized_access"; cause: AccessDenial }
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

/** Answers with the reason's wire error and logs the reason (and the hidden cause of a 401). */
export function cprFailure(c: AppContext, reason: CprReason): Response {
  annotate(c, {
    reason: reason.code === "unauthorized_access" ? reason.cause : reason.code,
    detail: reason.code === "invalid_request_body" ? reason.message : undefined,
  });
  return errorResponse(cprError(reason));
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
