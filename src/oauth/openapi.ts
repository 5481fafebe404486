import * as z from "zod";
import { renderPlainFault } from "../shared/fault";
import {
  documentRoutes,
  type Example,
  faultWires,
  type OperationGroup,
  type OperationProse,
  type OperationSpec,
} from "../shared/openapi";
import { oauthContract, publicDocumentContract } from "./contract";
import { type OAuthReason, oauthError, renderOAuthFault } from "./errors";
import { authorizationServerMetadata } from "./metadata";
import * as schemas from "./schema";

// JWKS, RFC 8414 metadata, introspection and revocation in the document (docs/tokens.md#jwks).
const TAG = "Token verification";

const oauthErrorSchema = z
  .object({
    error: z.enum(["invalid_request", "invalid_client", "server_error", "temporarily_unavailable"]),
    error_description: z.string(),
  })
  .meta({ description: "RFC 6749 §5.2 error response." });

const plainErrorSchema = z.object({ error: z.string() }).meta({ description: "Error outside the families." });

// Each reason's example under the document's name for it (the example's key, the cause its status lists).
const REASONS: {
  readonly [Code in OAuthReason["code"]]: readonly [string, Extract<OAuthReason, { code: Code }>];
} = {
  client_unauthenticated: [
    "bad or missing credentials",
    { code: "client_unauthenticated", cause: "no_credentials" },
  ],
  parameter_repeated: ["repeated parameter", { code: "parameter_repeated", name: "token" }],
  token_parameter_invalid: ["no token parameter", { code: "token_parameter_invalid" }],
};

const CPR_JWT =
  "eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGhlZGdlLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJl";

const tokenRequest = (purpose: string): OperationProse["requestBody"] => ({
  description: `The token to ${purpose}, form-encoded (RFC 7662/7009) or JSON. \`token_type_hint\` is accepted and not needed.`,
  examplesByMediaType: {
    "application/x-www-form-urlencoded": { cpr: { summary: "A CPR token", value: { token: CPR_JWT } } },
    "application/json": {
      portal: { summary: "A portal token", value: { token: "0ec164a4_1884_4c63_ba0b_87e5545c0e3e" } },
    },
  },
});

const EXAMPLE_ENV = { ISSUER: "https://authedge.example.com" };

const PUBLIC_DOCUMENT_RESPONSE_HEADERS = {
  "Cache-Control": { description: "Cacheable: `public, max-age=3600`." },
  "Access-Control-Allow-Origin": {
    description: "`*`: browsers may read it from any origin (docs/http.md#cors).",
  },
};

// How a resource server verifies each kind of token (docs/tokens.md#verifying-a-token; README repeats it).
// One issuer per JWT kind, so issuer + audience alone keep the kinds apart in any JWT library.
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

const metadataProse = (kind?: "cpr" | "upi"): OperationProse => ({
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
  success: {
    description: "The metadata.",
    examples: {
      metadata: {
        summary: "With ISSUER https://authedge.example.com",
        value: authorizationServerMetadata(EXAMPLE_ENV, kind),
      },
    },
    headers: PUBLIC_DOCUMENT_RESPONSE_HEADERS,
  },
});

const ES256_KEY_SET: Example = {
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
};

const publicDocuments = documentRoutes(
  publicDocumentContract,
  schemas,
  {
    tag: TAG,
    envelope: plainErrorSchema,
    errorWires: (route) => faultWires(renderPlainFault, route.faults),
  },
  {
    getJwks: {
      summary: "Public signing keys (JWKS)",
      description:
        "Verify CPR and UPI session JWTs offline: the signing key store's `next`, `active` and `retired` keys (docs/operations.md#key-states), public members only. Readable " +
        "from any origin (`Access-Control-Allow-Origin: *`).\n\n" +
        VERIFIER_CONFIGURATION,
      success: {
        description: "The key set.",
        examples: { es256: ES256_KEY_SET },
        headers: {
          "Cache-Control": {
            description: "Cacheable for a few minutes, so a new key is seen before it signs.",
          },
          ETag: { description: "The key set's version: send it back in If-None-Match to revalidate." },
          "Access-Control-Allow-Origin": PUBLIC_DOCUMENT_RESPONSE_HEADERS["Access-Control-Allow-Origin"],
        },
      },
    },
    getServiceMetadata: metadataProse(),
    getCprIssuerMetadata: metadataProse("cpr"),
    getUpiIssuerMetadata: metadataProse("upi"),
  },
);

/** The JWKS also answers a revalidation that names the current key set with 304 (RFC 9110 §13.1.2). */
function withNotModified(operation: OperationSpec): OperationSpec {
  if (operation.operationId !== "getJwks") return operation;
  const notModified = {
    description: "Not modified: If-None-Match names the current key set (RFC 9110 §15.4.5).",
    headers: { ETag: { description: "The key set's version." } },
  };
  return { ...operation, responses: { ...operation.responses, 304: notModified } };
}

const tokenOperations = documentRoutes(
  oauthContract,
  schemas,
  {
    tag: TAG,
    envelope: oauthErrorSchema,
    errorWires: (route) => ({
      ...Object.fromEntries(
        (route.errors as readonly OAuthReason["code"][]).map((code) => {
          const [name, reason] = REASONS[code];
          return [name, oauthError(reason)];
        }),
      ),
      ...faultWires(renderOAuthFault, route.faults),
    }),
  },
  {
    introspectToken: {
      summary: "Introspect a token (RFC 7662)",
      description:
        "CPR JWTs, portal tokens, UPI session JWTs and client auth tokens. A tenant asking about another tenant's token " +
        'gets `{"active":false}`, exactly as for a dead one.',
      requestBody: tokenRequest("introspect"),
      success: {
        description: "The token's state.",
        examples: {
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
      },
    },
    revokeToken: {
      summary: "Revoke a token (RFC 7009)",
      description:
        "Takes effect at once. Revoking a CPR token ends every token of its transaction issued before. A portal token " +
        "may revoke itself without other credentials (logout). Unknown tokens also answer 200.",
      requestBody: tokenRequest("revoke"),
      success: { description: "Revoked, or nothing to revoke (RFC 7009 §2.2)." },
    },
  },
);

export const oauthApi: OperationGroup = {
  schemas: { OAuthError: oauthErrorSchema },
  operations: [...publicDocuments.map(withNotModified), ...tokenOperations],
};
