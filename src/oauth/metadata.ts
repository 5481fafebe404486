import { issuerOf, type JwtKind, serviceIssuer } from "../shared/issuers";
import type { RouteHandler } from "../shared/route";
import type * as z from "../shared/zod";
import type { publicDocumentContract } from "./contract";
import type * as schemas from "./schema";

// RFC 8414 metadata (docs/tokens.md#metadata): one document for `ISSUER`, and one per JWT issuer by the
// path insertion of RFC 8414 §3.1, so discovery for a token's `iss` finds the document with that `issuer`.

/** Readable from any origin: nothing per caller, no credentials (docs/http.md#cors). */
export const PUBLIC_DOCUMENT_HEADERS = { "Access-Control-Allow-Origin": "*" } as const;

// Like the JWKS: the documents change only with a deploy or an ISSUER change.
const METADATA_HEADERS = { "Cache-Control": "public, max-age=3600", ...PUBLIC_DOCUMENT_HEADERS };

/** The metadata of `ISSUER` (no kind) or of one JWT kind's issuer. */
export function authorizationServerMetadata(
  env: { readonly ISSUER: string },
  kind?: JwtKind,
): z.output<typeof schemas.metadataSchema> {
  const base = serviceIssuer(env);
  return {
    issuer: kind ? issuerOf(env, kind) : base,
    jwks_uri: `${base}/.well-known/jwks.json`,
    introspection_endpoint: `${base}/oauth/introspect`,
    introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
    revocation_endpoint: `${base}/oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
    // REQUIRED by RFC 8414 §2, and empty: no authorization endpoint (tokens come from each family's route).
    response_types_supported: [],
    // Empty, not omitted: omitted means RFC 8414's default ["authorization_code", "implicit"].
    grant_types_supported: [],
    service_documentation: `${base}/docs`,
  };
}

/** `GET /.well-known/oauth-authorization-server[/cpr|/upi]`; any other suffix is the ordinary 404. */
export const serveMetadata =
  (kind?: JwtKind): RouteHandler<typeof schemas, (typeof publicDocumentContract)["getServiceMetadata"]> =>
  (c, reply) =>
    reply(authorizationServerMetadata(c.env, kind), METADATA_HEADERS);
