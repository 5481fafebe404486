import { type Context, Hono } from "hono";
import type { AppEnv } from "../shared/env";
import { issuerOf, type JwtKind, serviceIssuer } from "../shared/issuers";

/**
 * RFC 8414 authorization server metadata (docs/tokens.md#metadata): one document for `ISSUER`, and by the
 * path insertion of RFC 8414 §3.1 one for each JWT issuer (`ISSUER/cpr`, `ISSUER/upi`), so that a
 * client's discovery for the issuer in a token finds the document whose `issuer` is that value.
 */

export const METADATA_PATH = "/.well-known/oauth-authorization-server";

/**
 * Public documents that browsers verify tokens with (docs/http.md#cors): readable from any origin. They hold
 * nothing per caller, and the requests carry no credentials, so `*` is safe.
 */
export const PUBLIC_DOCUMENT_HEADERS = { "Access-Control-Allow-Origin": "*" } as const;

// Like the JWKS: the documents change only with a deploy or an ISSUER change.
const METADATA_CACHE_CONTROL = "public, max-age=3600";

/** The metadata of `ISSUER` (no kind) or of one JWT kind's issuer. */
export function authorizationServerMetadata(env: { readonly ISSUER: string }, kind?: JwtKind) {
  const base = serviceIssuer(env);
  return {
    issuer: kind ? issuerOf(env, kind) : base,
    jwks_uri: `${base}/.well-known/jwks.json`,
    introspection_endpoint: `${base}/oauth/introspect`,
    introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
    revocation_endpoint: `${base}/oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
    // RFC 8414 §2 makes this member REQUIRED; there is no authorization endpoint (tokens come from
    // each family's own route), so no response type is supported: present, and empty.
    response_types_supported: [] as string[],
    // Likewise no OAuth grant: omitting this would mean RFC 8414's default
    // ["authorization_code", "implicit"], which a client would then try.
    grant_types_supported: [] as string[],
    service_documentation: `${base}/docs`,
  };
}

function metadataResponse(c: Context<AppEnv>, kind?: JwtKind): Response {
  return c.json(authorizationServerMetadata(c.env, kind), 200, {
    "Cache-Control": METADATA_CACHE_CONTROL,
    ...PUBLIC_DOCUMENT_HEADERS,
  });
}

/** `GET /.well-known/oauth-authorization-server[/cpr|/upi]`; any other suffix is the ordinary 404. */
export const metadataRoutes = new Hono<AppEnv>()
  .get(METADATA_PATH, (c) => metadataResponse(c))
  .get(`${METADATA_PATH}/cpr`, (c) => metadataResponse(c, "cpr"))
  .get(`${METADATA_PATH}/upi`, (c) => metadataResponse(c, "upi"));
