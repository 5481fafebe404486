import { TOKEN_HEADER } from "../portal/sessions";
import type { SecuritySchemeName } from "../shared/contract";

const http = (scheme: "bearer" | "basic", description: string) =>
  ({ type: "http", scheme, description }) as const;
const header = (name: string, description: string) =>
  ({ type: "apiKey", in: "header", name, description }) as const;

/** How callers authenticate (docs/tokens.md#client-authentication and each family's page). */
export const SECURITY_SCHEMES = {
  adminToken: http(
    "bearer",
    "`Authorization: Bearer <ADMIN_TOKEN>`: the admin API, and introspection/revocation of any token. " +
      "Scheme names are case-insensitive on every route (`bearer`, `BASIC`).",
  ),
  appCredentials: http(
    "basic",
    "HTTP Basic `appId:appKey` of a CPR app: introspects and revokes that app's tokens. Send the id and key " +
      "form-urlencoded before base64 (RFC 6749 §2.3.1, `client_secret_basic`, as OAuth clients do) or raw.",
  ),
  merchantCredentials: http(
    "basic",
    "HTTP Basic `merchantId:apiKey` of a UPI merchant: introspects and revokes that merchant's tokens " +
      "(form-urlencoded per RFC 6749 §2.3.1, or raw).",
  ),
  merchantApiKey: http(
    "basic",
    "Customer API: the merchant API key as the HTTP Basic username, empty password (Juspay's scheme).",
  ),
  merchantIdHeader: header(
    "x-merchantid",
    "Customer API: the merchant id, sent with the API key (`x-merchant-id` is accepted too).",
  ),
  cprAppIdHeader: header(
    "appid",
    "Deprecated `/v2/generate-unique-id`: the appId, sent with `appkey` (header names in any case).",
  ),
  cprAppKeyHeader: header("appkey", "Deprecated `/v2/generate-unique-id`: the appKey, sent with `appid`."),
  cprToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "Deprecated `/v2/generate-unique-id`: a live CPR token of the app, in place of its appId/appKey.",
  },
  portalToken: header(
    TOKEN_HEADER,
    "A portal login token from `/api_auth`; a `Bearer ` prefix (any case) and spaces around it are tolerated.",
  ),
} as const satisfies Record<SecuritySchemeName, unknown>;
