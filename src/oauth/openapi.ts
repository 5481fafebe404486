import * as z from "zod";
import { renderPlainFault, type WireError } from "../shared/fault";
import {
  errorResponses,
  faultWires,
  jsonResponse,
  NO_STORE,
  type OperationGroup,
  type RequestBodySpec,
} from "../shared/openapi";
import { oauthError, renderOAuthFault } from "./errors";
import { authorizationServerMetadata, METADATA_PATH } from "./metadata";
import * as parameters from "./schema";

/** JWKS, introspection and revocation in the OpenAPI document (docs/tokens.md#jwks). */

const { tokenRequestSchema } = parameters;

const TAG = "Token verification";

const oauthErrorSchema = z
  .object({
    error: z.enum(["invalid_request", "invalid_client", "server_error", "temporarily_unavailable"]),
    error_description: z.string(),
  })
  .meta({ description: "RFC 6749 §5.2 error response." });

const jwkSchema = z
  .object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string().optional() })
  .loose();

const CPR_JWT =
  "eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGhlZGdlLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJl";

const tokenRequest = (purpose: string): RequestBodySpec => ({
  required: true,
  description: `The token to ${purpose}, form-encoded (RFC 7662/7009) or JSON. \`token_type_hint\` is accepted and not needed.`,
  content: {
    "application/x-www-form-urlencoded": {
      schema: tokenRequestSchema,
      examples: { cpr: { summary: "A CPR token", value: { token: CPR_JWT } } },
    },
    "application/json": {
      schema: tokenRequestSchema,
      examples: {
        portal: { summary: "A portal token", value: { token: "0ec164a4_1884_4c63_ba0b_87e5545c0e3e" } },
      },
    },
  },
});

const AUTH_ERRORS: Record<string, WireError> = {
  "bad or missing credentials": oauthError({ code: "client_unauthenticated", cause: "no_credentials" }),
  "no token parameter": oauthError({ code: "token_parameter_invalid" }),
  ...faultWires(renderOAuthFault, ["payload_too_large", "internal", "unavailable"]),
};

const introspectionSchema = z
  .object({
    active: z.boolean(),
    token_type: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    sub: z.string().optional(),
    iss: z.string().optional(),
  })
  .loose()
  .describe("`{\"active\":false}` unless live and the caller's own; a live token adds its family's claims.");

const EXAMPLE_ENV = { ISSUER: "https://authedge.example.com" };

const metadataSchema = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    introspection_endpoint: z.string(),
    introspection_endpoint_auth_methods_supported: z.array(z.string()),
    revocation_endpoint: z.string(),
    revocation_endpoint_auth_methods_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    grant_types_supported: z.array(z.string()),
    service_documentation: z.string(),
  })
  .meta({ description: "RFC 8414 §2 authorization server metadata." });

const plainErrorSchema = z.object({ error: z.string() }).meta({ description: "Error outside the families." });

const PUBLIC_DOCUMENT_RESPONSE_HEADERS = {
  "Cache-Control": { description: "Cacheable: `public, max-age=3600`." },
  "Access-Control-Allow-Origin": {
    description: "`*`: browsers may read it from any origin (docs/http.md#cors).",
  },
};

/**
 * How a resource server verifies each kind of token (docs/tokens.md#verifying-a-token): the table the README
 * repeats. One issuer per JWT kind, so issuer + audience alone keep the kinds apart in any JWT library.
 */
const VERIFIER_CONFIGURATION =
  "| kind | `iss` (issuer) | `aud` (audience) | `typ` header | introspection `token_type` |\n" +
  "|---|---|---|---|---|\n" +
  "| CPR auth token | `ISSUER/cpr` | the appId | `cpr+jwt` | `Bearer` |\n" +
  "| UPI session token | `ISSUER/upi` | the merchantId | `upi-session+jwt` | `Bearer` |\n" +
  "| portal login token | opaque, introspect only | — | — | `portal` |\n" +
  "| UPI client auth token | opaque, introspect only | — | — | `client_auth_token` |\n\n" +
  "JWKS: `ISSUER/.well-known/jwks.json` for both JWT kinds. Algorithms: `ES256` (default), `RS256`, `EdDSA` " +
  "(each key's `alg` in the JWKS; pin the list in the verifier). Discovery: " +
  "`ISSUER/.well-known/oauth-authorization-server/cpr` and `/upi` (RFC 8414 §3.1 path insertion).";

export const oauthApi: OperationGroup = {
  schemas: { OAuthError: oauthErrorSchema },
  operations: [
    {
      method: "get",
      path: "/.well-known/jwks.json",
      operationId: "getJwks",
      tag: TAG,
      summary: "Public signing keys (JWKS)",
      description:
        "Verify CPR and UPI session JWTs offline: the signing key store's `next`, `active` and `retired` keys (docs/operations.md#key-states), public members only. Readable " +
        "from any origin (`Access-Control-Allow-Origin: *`).\n\n" +
        VERIFIER_CONFIGURATION,
      responses: {
        200: jsonResponse(
          "The key set.",
          z.object({ keys: z.array(jwkSchema) }),
          {
            es256: {
              summary: "One ES256 key",
              value: {
                keys: [
                  {
                    kty: "EC",
                    crv: "P-256",
                    x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                    y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                    kid: "dev-1",
                    alg: "ES256",
                    use: "sig",
                  },
                ],
              },
            },
          },
          {
            "Cache-Control": {
              description: "Cacheable for a few minutes, so a new key is seen before it signs.",
            },
            ETag: { description: "The key set's version: send it back in If-None-Match to revalidate." },
            "Access-Control-Allow-Origin": PUBLIC_DOCUMENT_RESPONSE_HEADERS["Access-Control-Allow-Origin"],
          },
        ),
        304: {
          description: "Not modified: If-None-Match names the current key set (RFC 9110 §15.4.5).",
          headers: { ETag: { description: "The key set's version." } },
        },
        // The keys come from the signing key store (docs/operations.md#signing-keys): an unreadable store, or
        // keys sealed under another KEY_ENCRYPTION_SECRET, fail closed (never an empty set).
        ...errorResponses(plainErrorSchema, faultWires(renderPlainFault, ["internal", "unavailable"])),
      },
    },
    ...([undefined, "cpr", "upi"] as const).map((kind) => ({
      method: "get" as const,
      path: kind ? `${METADATA_PATH}/${kind}` : METADATA_PATH,
      operationId: kind ? `get${kind === "cpr" ? "Cpr" : "Upi"}IssuerMetadata` : "getServiceMetadata",
      tag: TAG,
      summary: kind
        ? `Authorization server metadata of the ${kind === "cpr" ? "CPR" : "UPI session"} token issuer (RFC 8414)`
        : "Authorization server metadata of ISSUER (RFC 8414)",
      description:
        (kind
          ? `The document whose \`issuer\` is \`ISSUER/${kind}\`, the \`iss\` of ${kind === "cpr" ? "CPR" : "UPI session"} tokens, at the path RFC 8414 §3.1 inserts. `
          : "The service's own document. ") +
        "There is no authorization or token endpoint (tokens come from each family's route), so " +
        "`response_types_supported` and `grant_types_supported` are empty. A trailing slash or any other " +
        "suffix is 404.\n\nConfiguring a verifier per kind:\n\n" +
        VERIFIER_CONFIGURATION,
      responses: {
        200: jsonResponse(
          "The metadata.",
          metadataSchema,
          {
            metadata: {
              summary: "With ISSUER https://authedge.example.com",
              value: authorizationServerMetadata(EXAMPLE_ENV, kind),
            },
          },
          PUBLIC_DOCUMENT_RESPONSE_HEADERS,
        ),
        ...errorResponses(plainErrorSchema, faultWires(renderPlainFault, ["internal", "unavailable"])),
      },
    })),
    {
      method: "post",
      path: "/oauth/introspect",
      operationId: "introspectToken",
      tag: TAG,
      summary: "Introspect a token (RFC 7662)",
      description:
        "CPR JWTs, portal tokens, UPI session JWTs and client auth tokens. A tenant asking about another tenant's token " +
        'gets `{"active":false}`, exactly as for a dead one.',
      security: [["adminToken"], ["appCredentials"], ["merchantCredentials"], ["portalToken"]],
      requestBody: tokenRequest("introspect"),
      responses: {
        200: jsonResponse(
          "The token's state.",
          introspectionSchema,
          {
            active: {
              summary: "A live CPR token",
              value: {
                active: true,
                token_type: "Bearer",
                exp: 1719575851,
                iat: 1719532651,
                sub: "txn-1",
                iss: "https://authedge.example.com/cpr",
                aud: "demo-app",
                appId: "demo-app",
                transactionId: "txn-1",
                workflowId: "demo-workflow",
                journeyId: "6f1c2a1e-3b7d-4c55-9a51-2f0f3c8e9d10",
              },
            },
            inactive: { summary: "Dead, unknown or another tenant's", value: { active: false } },
          },
          NO_STORE,
        ),
        ...errorResponses(oauthErrorSchema, AUTH_ERRORS),
      },
    },
    {
      method: "post",
      path: "/oauth/revoke",
      operationId: "revokeToken",
      tag: TAG,
      summary: "Revoke a token (RFC 7009)",
      description:
        "Takes effect at once. Revoking a CPR token ends every token of its transaction issued before. A portal token " +
        "may revoke itself without other credentials (logout). Unknown tokens also answer 200.",
      security: [["adminToken"], ["appCredentials"], ["merchantCredentials"], ["portalToken"], []],
      requestBody: tokenRequest("revoke"),
      responses: {
        200: { description: "Revoked, or nothing to revoke (RFC 7009 §2.2).", headers: NO_STORE },
        ...errorResponses(oauthErrorSchema, AUTH_ERRORS),
      },
    },
  ],
};
