import { TOKEN_HEADER } from "../portal/sessions";
import type { SecuritySchemeName } from "../shared/contract";

/** How callers authenticate (docs/tokens.md#client-authentication and each family's page). */
export const SECURITY_SCHEMES = {
  adminToken: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <ADMIN_TOKEN>`: the admin API, and introspection/revocation of any token. " +
      "Scheme names are case-insensitive on every route (`bearer`, `BASIC`).",
  },
  appCredentials: {
    type: "http",
    scheme: "basic",
    description:
      "HTTP Basic `appId:appKey` of a CPR app: introspects and revokes that app's tokens. Send the id and key " +
      "form-urlencoded before base64 (RFC 6749 §2.3.1, `client_secret_basic`, as OAuth clients do) or raw.",
  },
  merchantCredentials: {
    type: "http",
    scheme: "basic",
    description:
      "HTTP Basic `merchantId:apiKey` of a UPI merchant: introspects and revokes that merchant's tokens " +
      "(form-urlencoded per RFC 6749 §2.3.1, or raw).",
  },
  merchantApiKey: {
    type: "http",
    scheme: "basic",
    description:
      "Customer API: the merchant API key as the HTTP Basic username, empty password (Juspay's scheme).",
  },
  merchantIdHeader: {
    type: "apiKey",
    in: "header",
    name: "x-merchantid",
    description: "Customer API: the merchant id, sent with the API key (`x-merchant-id` is accepted too).",
  },
  cprAppIdHeader: {
    type: "apiKey",
    in: "header",
    name: "appid",
    description:
      "Deprecated `/v2/generate-unique-id`: the appId, sent with `appkey` (header names in any case).",
  },
  cprAppKeyHeader: {
    type: "apiKey",
    in: "header",
    name: "appkey",
    description: "Deprecated `/v2/generate-unique-id`: the appKey, sent with `appid`.",
  },
  cprToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "Deprecated `/v2/generate-unique-id`: a live CPR token of the app, in place of its appId/appKey.",
  },
  portalToken: {
    type: "apiKey",
    in: "header",
    name: TOKEN_HEADER,
    description:
      "A portal login token from `/api_auth`; a `Bearer ` prefix (any case) and spaces around it are tolerated.",
  },
} as const satisfies Record<SecuritySchemeName, unknown>;
