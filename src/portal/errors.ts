import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AppContext, annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import { errorResponse, faultRenderer, RETRY_AFTER_SECONDS, wireOf } from "../shared/fault";

// Seed 001: failures are `{"error": "<message>"}`.
function envelope(status: ContentfulStatusCode, error: string, headers?: Record<string, string>): WireError {
  return { status, body: { error }, headers };
}

/** Everything `/api_auth` can refuse with (docs/portal.md#errors); the precise cause goes only to the log. */
export type PortalReason =
  | { code: "invalid_refresh_token" }
  | { code: "invalid_credentials" }
  | { code: "locked"; retryAfterSeconds: number }
  | { code: "rate_limited"; retryAfterSeconds: number }
  | { code: "ip_not_allowed" }
  | { code: "invalid_token" };

const retryAfter = (seconds: number) => ({ "Retry-After": String(Math.max(1, seconds)) });

// docs/portal.md#errors: the family's one mapping from reason to wire error, faults included.
const PORTAL_FAULTS = {
  invalid_refresh_token: envelope(400, "refresh_token must be 0 or 1"),
  // One answer for unknown email, wrong password, disabled user and missing headers.
  invalid_credentials: envelope(401, "Invalid email or password"),
  locked: (reason) =>
    envelope(429, "Too many failed attempts, try again later", retryAfter(reason.retryAfterSeconds)),
  // Too many attempts in front of PBKDF2 (docs/operations.md#rate-limits); not the lockout's message.
  rate_limited: (reason) =>
    envelope(429, "Too many requests, try again later", retryAfter(reason.retryAfterSeconds)),
  ip_not_allowed: envelope(403, "Request not allowed from this IP"),
  invalid_token: envelope(401, "Invalid token"),
  not_found: envelope(404, "Not found"),
  method_not_allowed: envelope(405, "Method not allowed"),
  payload_too_large: envelope(413, "Request body too large"),
  malformed_json: envelope(400, "Request body is not valid JSON"),
  internal: envelope(500, "Internal server error"),
  unavailable: envelope(503, "Service temporarily unavailable", { "Retry-After": RETRY_AFTER_SECONDS }),
} satisfies WireTable<PortalReason | FaultReason>;

export const portalError = (reason: PortalReason | FaultReason): WireError => wireOf(PORTAL_FAULTS, reason);

/** The portal envelope for the faults of docs/http.md#families-by-prefix. */
export const renderPortalFault: FaultRenderer = faultRenderer(PORTAL_FAULTS);

/** Answers with the reason's wire error and logs `cause` (the reason unless a precise one is known). */
export function portalFailure(c: AppContext, reason: PortalReason, cause: string = reason.code): Response {
  annotate(c, { reason: cause });
  return errorResponse(portalError(reason));
}
