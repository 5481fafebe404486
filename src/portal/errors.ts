import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

// Seed 001: failures are `{"error": "<message>"}`.
function envelope(status: ContentfulStatusCode, error: string, headers?: Record<string, string>): WireError {
  return { status, body: { error }, headers };
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
