import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AppContext, annotate } from "../shared/env";
import type { FaultReason, FaultRenderer, WireError, WireTable } from "../shared/fault";
import { errorResponse, faultRenderer, faultWires, wireOf } from "../shared/fault";
import type { ClientRejection } from "./clients";

/** RFC 6749 §5.2 error codes used by introspection and revocation (docs/tokens.md#errors). */
type OAuthErrorCode = "invalid_request" | "invalid_client" | "server_error" | "temporarily_unavailable";

/** Why introspection or revocation refused a request (docs/tokens.md#introspection); `cause`: log only. */
export type OAuthReason =
  | { code: "client_unauthenticated"; cause: ClientRejection }
  // `name`: the parameter that came twice, when it is one we know (never echo an unknown name).
  | { code: "parameter_repeated"; name?: string }
  | { code: "token_parameter_invalid" };

// RFC 6749 §5.2: `{"error","error_description"}`; `invalid_client` carries a challenge.
function envelope(
  status: ContentfulStatusCode,
  error: OAuthErrorCode,
  description: string,
  headers: Record<string, string> = {},
): WireError {
  const challenge =
    error === "invalid_client" ? 'Basic realm="authedge", Bearer realm="authedge"' : undefined;
  return {
    status,
    body: { error, error_description: description },
    headers: challenge ? { ...headers, "WWW-Authenticate": challenge } : headers,
  };
}

// docs/tokens.md: the family's one mapping from reason to wire error, faults included.
const OAUTH_FAULTS = {
  client_unauthenticated: envelope(401, "invalid_client", "Client authentication failed"),
  parameter_repeated: (reason) =>
    envelope(
      400,
      "invalid_request",
      reason.name ? `The ${reason.name} parameter must appear only once` : "A parameter appears twice",
    ),
  token_parameter_invalid: envelope(
    400,
    "invalid_request",
    "The token parameter is required (form or JSON body)",
  ),
  ...faultWires(envelope, {
    not_found: ["invalid_request", "Unknown endpoint"],
    method_not_allowed: ["invalid_request", "Method not allowed on this endpoint"],
    payload_too_large: "invalid_request",
    malformed_json: ["invalid_request", "Request body is not valid JSON"],
    internal: ["server_error", "Internal error"],
    unavailable: ["temporarily_unavailable", "Temporarily unavailable, retry shortly"],
  }),
} satisfies WireTable<OAuthReason | FaultReason>;

export const oauthError = (reason: OAuthReason | FaultReason): WireError => wireOf(OAUTH_FAULTS, reason);

/** The OAuth envelope for the faults of docs/http.md#families-by-prefix. */
export const renderOAuthFault: FaultRenderer = faultRenderer(OAUTH_FAULTS);

/** Answers with the reason's wire error and logs the reason (the client's failure for a 401). */
export function oauthFailure(c: AppContext, reason: OAuthReason): Response {
  annotate(c, { reason: reason.code === "client_unauthenticated" ? reason.cause : reason.code });
  return errorResponse(oauthError(reason));
}
