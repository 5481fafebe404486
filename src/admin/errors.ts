import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AppContext, annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import { errorResponse, faultRenderer, faultWires, wireOf } from "../shared/fault";

// The admin API's refusals (docs/admin.md#errors). Messages hold fixed text, ids and masked emails, never a
// submitted secret or value: they are logged too. `cause` goes to the log only.
export type AdminReason =
  | { code: "unauthorized"; cause: "admin_token_missing" | "admin_token_mismatch" }
  | { code: "invalid_request"; message: string }
  | { code: "not_found"; message: string }
  | { code: "conflict"; message: string }
  | { code: "too_early"; message: string }
  | { code: "precondition_failed"; message: string };

function envelope(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  headers?: Record<string, string>,
): WireError {
  return { status, body: { error: { code, message } }, headers };
}

const FAULT_WIRES = faultWires(envelope, {
  not_found: ["not_found", "No such admin endpoint"],
  method_not_allowed: ["method_not_allowed", "Method not allowed on this endpoint"],
  payload_too_large: "payload_too_large",
  malformed_json: ["invalid_request", "Request body is not valid JSON"],
  internal: ["internal_error", "Internal error"],
  unavailable: ["unavailable", "Temporarily unavailable, retry shortly"],
});

// docs/admin.md#apps: the admin API's one mapping from reason to wire error, faults included. An own
// `not_found` carries the message; the fault (no such endpoint) has none.
const ADMIN_FAULTS = {
  unauthorized: envelope(401, "unauthorized", "A valid admin bearer token is required", {
    "WWW-Authenticate": 'Bearer realm="authedge-admin"',
  }),
  invalid_request: (reason) => envelope(400, "invalid_request", reason.message),
  conflict: (reason) => envelope(409, "conflict", reason.message),
  too_early: (reason) => envelope(409, "too_early", reason.message),
  precondition_failed: (reason) => envelope(412, "precondition_failed", reason.message),
  ...FAULT_WIRES,
  not_found: (reason) =>
    "message" in reason ? envelope(404, "not_found", reason.message) : FAULT_WIRES.not_found,
} satisfies WireTable<AdminReason | FaultReason>;

/** The admin wire error for a reason. */
export const adminError = (reason: AdminReason | FaultReason): WireError => wireOf(ADMIN_FAULTS, reason);

/** The admin envelope for the faults of docs/http.md#families-by-prefix. */
export const renderAdminFault: FaultRenderer = faultRenderer(ADMIN_FAULTS);

// A message can quote a caller-chosen name (an unrecognised body key); the log line stays short.
const MAX_LOGGED_DETAIL = 200;

/** Answers with the reason's wire error and logs the reason (docs/http.md#logs), the message as detail. */
export function adminFailure(c: AppContext, reason: AdminReason): Response {
  annotate(c, {
    reason: reason.code === "unauthorized" ? reason.cause : reason.code,
    detail: reason.code === "unauthorized" ? undefined : reason.message.slice(0, MAX_LOGGED_DETAIL),
  });
  return errorResponse(adminError(reason));
}
