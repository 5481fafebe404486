import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import type { Fault, WireError } from "../shared/fault";
import { errorResponse, RETRY_AFTER_SECONDS } from "../shared/fault";

/** Why an admin request had no valid bearer token; it goes to the log, never to the client. */
type AdminAuthDenial = "admin_token_missing" | "admin_token_mismatch";

/**
 * Everything the admin API can answer with besides success (SPEC §7: `{"error":{"code","message"}}`).
 * Messages are built from fixed text, ids and masked emails only, never a submitted secret or
 * value: they are logged as well as returned.
 */
export type AdminReason =
  | { code: "unauthorized"; cause: AdminAuthDenial }
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

/** The admin API's one mapping from reason to wire error. */
export function adminError(reason: AdminReason): WireError {
  switch (reason.code) {
    case "unauthorized":
      return envelope(401, "unauthorized", "A valid admin bearer token is required", {
        "WWW-Authenticate": 'Bearer realm="authedge-admin"',
      });
    case "invalid_request":
      return envelope(400, "invalid_request", reason.message);
    case "not_found":
      return envelope(404, "not_found", reason.message);
    case "conflict":
      return envelope(409, "conflict", reason.message);
    case "too_early":
      return envelope(409, "too_early", reason.message);
    case "precondition_failed":
      return envelope(412, "precondition_failed", reason.message);
  }
}

// A message can quote a caller-chosen name (an unrecognised body key); the log line stays short.
const MAX_LOGGED_DETAIL = 200;

/** Answers with the reason's wire error and logs the reason (SPEC §2), with the message as detail. */
export function adminFailure(c: AppContext, reason: AdminReason): Response {
  annotate(c, {
    reason: reason.code === "unauthorized" ? reason.cause : reason.code,
    detail: reason.code === "unauthorized" ? undefined : reason.message.slice(0, MAX_LOGGED_DETAIL),
  });
  return errorResponse(adminError(reason));
}

export function renderAdminFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return envelope(404, "not_found", "No such admin endpoint");
    case "method_not_allowed":
      return envelope(405, "method_not_allowed", "Method not allowed on this endpoint");
    case "payload_too_large":
      return envelope(413, "payload_too_large", "Request body exceeds 64 KiB");
    case "malformed_json":
      return envelope(400, "invalid_request", "Request body is not valid JSON");
    case "internal":
      return envelope(500, "internal_error", "Internal error");
    case "unavailable":
      return envelope(503, "unavailable", "Temporarily unavailable, retry shortly", {
        "Retry-After": RETRY_AFTER_SECONDS,
      });
  }
}
