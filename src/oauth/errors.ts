import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Fault, WireError } from "../shared/fault";
import { RETRY_AFTER_SECONDS } from "../shared/fault";

/** RFC 6749 §5.2 error codes used by introspection and revocation (SPEC §6). */
type OAuthErrorCode = "invalid_request" | "invalid_client" | "server_error" | "temporarily_unavailable";

/** Builds an RFC 6749 §5.2 error body; `invalid_client` carries a `WWW-Authenticate` challenge (§5.2). */
export function oauthError(
  status: ContentfulStatusCode,
  error: OAuthErrorCode,
  description: string,
): WireError {
  const headers: Record<string, string> =
    error === "invalid_client"
      ? { "WWW-Authenticate": 'Basic realm="authedge", Bearer realm="authedge"' }
      : {};
  if (error === "temporarily_unavailable") headers["Retry-After"] = RETRY_AFTER_SECONDS;
  return { status, body: { error, error_description: description }, headers };
}

export function renderOAuthFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return oauthError(404, "invalid_request", "Unknown endpoint");
    case "method_not_allowed":
      return oauthError(405, "invalid_request", "Method not allowed on this endpoint");
    case "payload_too_large":
      return oauthError(413, "invalid_request", "Request body exceeds 64 KiB");
    case "malformed_json":
      return oauthError(400, "invalid_request", "Request body is not valid JSON");
    case "internal":
      return oauthError(500, "server_error", "Internal error");
    case "unavailable":
      return oauthError(503, "temporarily_unavailable", "Temporarily unavailable, retry shortly");
  }
}
