import { declareRoutes } from "../shared/contract";
import type { OAuthReason } from "./errors";
import type * as schemas from "./schema";

/**
 * Token verification (docs/tokens.md): introspection and revocation over every token family, answering
 * errors in the RFC 6749 §5.2 envelope, and the public documents a verifier reads (JWKS, RFC 8414
 * metadata), whose faults are the plain ones (they sit outside `/oauth/`).
 */

const CLIENTS = [["adminToken"], ["appCredentials"], ["merchantCredentials"], ["portalToken"]] as const;

// The token's parameters come as a form (RFC 7662/7009) or a JSON object; the handler reads both itself,
// refusing repeated parameters before the schema sees them (docs/http.md#repeated-parameters).
const body = {
  "application/x-www-form-urlencoded": "tokenRequestSchema",
  "application/json": "tokenRequestSchema",
} as const;

export const oauthContract = declareRoutes<typeof schemas, OAuthReason["code"]>({
  errors: ["client_unauthenticated", "token_parameter_invalid", "parameter_repeated"],
  faults: ["payload_too_large", "internal", "unavailable"],
  noStore: true,
})({
  introspectToken: {
    route: "POST /oauth/introspect",
    body,
    success: [200, "introspectionSchema"],
    security: CLIENTS,
  },
  revokeToken: {
    route: "POST /oauth/revoke",
    body,
    success: [200],
    // No credentials: a portal token revoking itself (logout, docs/tokens.md#client-authentication).
    security: [...CLIENTS, []],
  },
});

// The keys and the metadata come from the signing key store and the vars: an unreadable store, or keys
// sealed under another KEY_ENCRYPTION_SECRET, fail closed (never an empty set).
const metadata = { success: [200, "metadataSchema"] } as const;

export const publicDocumentContract = declareRoutes<typeof schemas, never>({
  faults: ["internal", "unavailable"],
})({
  getJwks: { route: "GET /.well-known/jwks.json", success: [200, "jwksSchema"] },
  // RFC 8414 §3.1: the service's own document, then one per JWT issuer by path insertion.
  getServiceMetadata: { route: "GET /.well-known/oauth-authorization-server", ...metadata },
  getCprIssuerMetadata: { route: "GET /.well-known/oauth-authorization-server/cpr", ...metadata },
  getUpiIssuerMetadata: { route: "GET /.well-known/oauth-authorization-server/upi", ...metadata },
});
