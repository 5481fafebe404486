import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

// Seed 001: failures are `{"error": "<message>"}`.
function envelope(status: ContentfulStatusCode, error: string, headers?: Record<string, string>): WireError {
  return { status, body: { error }, headers };
}

/** Everything `/api_auth` can refuse with (SPEC §4); the precise cause goes only to the log. */
export type PortalDenial =
  | { reason: "invalid_refresh_token" }
  | { reason: "invalid_credentials" }
  | { reason: "locked"; retryAfterSeconds: number }
  | { reason: "rate_limited"; retryAfterSeconds: number }
  | { reason: "ip_not_allowed" }
  | { reason: "invalid_token" };

/** The portal family's one mapping from denial to wire error. */
export function portalError(denial: PortalDenial): WireError {
  switch (denial.reason) {
    case "invalid_refresh_token":
      return envelope(400, "refresh_token must be 0 or 1");
    case "invalid_credentials":
      // One answer for unknown email, wrong password, disabled user and missing headers.
      return envelope(401, "Invalid email or password");
    case "locked":
      return envelope(429, "Too many failed attempts, try again later", {
        "Retry-After": String(Math.max(1, denial.retryAfterSeconds)),
      });
    case "rate_limited":
      // Too many attempts in front of PBKDF2 (README, "Rate limits"); not the lockout's message.
      return envelope(429, "Too many requests, try again later", {
        "Retry-After": String(Math.max(1, denial.retryAfterSeconds)),
      });
    case "ip_not_allowed":
      return envelope(403, "Request not allowed from this IP");
    case "invalid_token":
      return envelope(401, "Invalid token");
  }
}

export function renderPortalFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return envelope(404, "Not found");
    case "method_not_allowed":
      return envelope(405, "Method not allowed");
    case "payload_too_large":
      return envelope(413, "Request body too large");
    case "malformed_json":
      return envelope(400, "Request body is not valid JSON");
    case "internal":
      return envelope(500, "Internal server error");
    case "unavailable":
      return envelope(503, "Service temporarily unavailable", { "Retry-After": RETRY_AFTER_SECONDS });
  }
}
