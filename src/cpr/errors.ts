import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import { errorResponse, faultRenderer, faultWires, wireOf } from "../shared/fault";
import type { SignatureRejection } from "./request-signature";

/** The precise cause behind a 401, for the log only (docs/cpr.md#credentials-and-ip). */
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

// docs/cpr.md: the family's one mapping from reason to wire error, faults included.
const CPR_FAULTS = {
  invalid_request_body: (reason) => envelope(400, "invalid_request_body", reason.message),
  unauthorized_access: envelope(401, "unauthorized_access", "IP not whitelisted or authorization failed"),
  workflow_not_found: envelope(404, "workflow_not_found", "Workflow not found"),
  unique_id_conflict: envelope(409, "unique_id_conflict", "Unique ID conflict for this transaction"),
  ...faultWires(envelope, {
    not_found: ["not_found", "Route not found"],
    method_not_allowed: ["method_not_allowed", "Method not allowed"],
    payload_too_large: "invalid_request_body",
    malformed_json: ["invalid_request_body", "Request body is not valid JSON"],
    internal: ["internal_server_error", "Internal server error"],
    unavailable: ["service_unavailable", "Service temporarily unavailable"],
  }),
} satisfies WireTable<CprReason | FaultReason>;

/** The CPR wire error for a reason. */
export const cprError = (reason: CprReason | FaultReason): WireError => wireOf(CPR_FAULTS, reason);

/** The CPR envelope for the faults of docs/http.md#families-by-prefix. */
export const renderCprFault: FaultRenderer = faultRenderer(CPR_FAULTS);

/** Answers with the reason's wire error and logs the reason (and the hidden cause of a 401). */
export function cprFailure(c: AppContext, reason: CprReason): Response {
  annotate(c, {
    reason: reason.code === "unauthorized_access" ? reason.cause : reason.code,
    detail: reason.code === "invalid_request_body" ? reason.message : undefined,
  });
  return errorResponse(cprError(reason));
}
