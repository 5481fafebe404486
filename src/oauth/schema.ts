import * as z from "../shared/zod";

/** RFC 7662 §2.1 / RFC 7009 §2.1 request parameters, as a form or a JSON object; loaded on first use. */
export const tokenRequestSchema = z.object({
  token: z.string().check(z.minLength(1), z.maxLength(8192)),
  token_type_hint: z.optional(z.string().check(z.maxLength(64))),
});

/** RFC 7662 §2.2 members of any answer; a live token adds its family's (docs/tokens.md#introspection). */
export const introspectionSchema = z
  .looseObject({
    active: z.boolean(),
    token_type: z.optional(z.string()),
    exp: z.optional(z.number().check(z.int())),
    iat: z.optional(z.number().check(z.int())),
    sub: z.optional(z.string()),
    iss: z.optional(z.string()),
  })
  .check(
    z.describe(
      "`{\"active\":false}` unless live and the caller's own; a live token adds its family's claims.",
    ),
  );

/** One public key of the JWKS (RFC 7517 §4): the members every key has, then its type's own. */
const jwkSchema = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.string(),
  use: z.optional(z.string()),
});

/** `/.well-known/jwks.json` (docs/tokens.md#jwks). */
export const jwksSchema = z.object({ keys: z.array(jwkSchema) });

/** RFC 8414 §2 authorization server metadata (docs/tokens.md#metadata). */
export const metadataSchema = z
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
  .check(z.describe("RFC 8414 §2 authorization server metadata."));
