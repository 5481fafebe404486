import { TOKEN_HEADER } from "../portal/schema";

/** The ways callers authenticate, as OpenAPI security schemes (SPEC §3, §4, §5, §6, §7). */
export const SECURITY_SCHEMES = {
  adminToken: {
    type: "http",
    scheme: "bearer",
    description:
      "`Authorization: Bearer <ADMIN_TOKEN>`: the admin API, and introspection/revocation of any token.",
  },
  appCredentials: {
    type: "http",
    scheme: "basic",
    description: "HTTP Basic `appId:appKey` of a CPR app: introspects and revokes that app's tokens.",
  },
  merchantCredentials: {
    type: "http",
    scheme: "basic",
    description:
      "HTTP Basic `merchantId:apiKey` of a UPI merchant: introspects and revokes that merchant's tokens.",
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
    description: "Customer API: the merchant id, sent with the API key.",
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
    description: "A portal login token from `/api_auth` (a `Bearer ` prefix is tolerated).",
  },
} as const;

export type SecuritySchemeName = keyof typeof SECURITY_SCHEMES;
