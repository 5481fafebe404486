import { declareRoutes } from "../shared/contract";
import type { OAuthReason } from "./errors";
import type * as schemas from "./schema";

/**
 * Token verification (docs/tokens.md): introspection and revocation over every token family, answering
 * errors in the RFC 6749 §5.2 envelope, and the public documents a verifier reads (JWKS, RFC 8414
 * metadata), whose faults are the plain ones (they sit outside `/oauth/`).
 */

// The token's parameters come as a form (RFC 7662/7009) or a JSON object; the handler reads both itself,
// refusing repeated parameters before the schema sees them (docs/http.md#repeated-parameters).
const tokenRequest = {
  method: "post",
  body: {
    "application/x-www-form-urlencoded": "tokenRequestSchema",
    "application/json": "tokenRequestSchema",
  },
  errors: ["client_unauthenticated", "token_parameter_invalid", "parameter_repeated"],
  faults: ["payload_too_large", "internal", "unavailable"],
  noStore: true,
} as const;

export const oauthContract = declareRoutes<typeof schemas, OAuthReason["code"]>()({
  introspectToken: {
    ...tokenRequest,
    path: "/oauth/introspect",
    success: { status: 200, schema: "introspectionSchema" },
    security: [["adminToken"], ["appCredentials"], ["merchantCredentials"], ["portalToken"]],
  },
  revokeToken: {
    ...tokenRequest,
    path: "/oauth/revoke",
    success: { status: 200 },
    // No credentials: a portal token revoking itself (logout, docs/tokens.md#client-authentication).
    security: [["adminToken"], ["appCredentials"], ["merchantCredentials"], ["portalToken"], []],
  },
});

// The keys and the metadata come from the signing key store and the vars: an unreadable store, or keys
// sealed under another KEY_ENCRYPTION_SECRET, fail closed (never an empty set).
const publicDocument = { method: "get", errors: [], faults: ["internal", "unavailable"] } as const;

const metadata = { ...publicDocument, success: { status: 200, schema: "metadataSchema" } } as const;

export const publicDocumentContract = declareRoutes<typeof schemas, never>()({
  getJwks: {
    ...publicDocument,
    path: "/.well-known/jwks.json",
    success: { status: 200, schema: "jwksSchema" },
  },
  // RFC 8414 §3.1: the service's own document, then one per JWT issuer by path insertion.
  getServiceMetadata: { ...metadata, path: "/.well-known/oauth-authorization-server" },
  getCprIssuerMetadata: { ...metadata, path: "/.well-known/oauth-authorization-server/cpr" },
  getUpiIssuerMetadata: { ...metadata, path: "/.well-known/oauth-authorization-server/upi" },
});
