import * as z from "zod";
import {
  type ExampleOfEach,
  errorResponses,
  faultWires,
  jsonResponse,
  NO_STORE,
  type OperationGroup,
  type OperationSpec,
  parametersOf,
  reasonWires,
} from "../shared/openapi";
import { type PortalReason, portalError, renderPortalFault } from "./errors";
import { loginQuerySchema, passwordSchema } from "./schema";

/** The portal family in the OpenAPI document (docs/portal.md, seed 001). */

const TAG = "Portal login token";

const portalErrorSchema = z
  .object({ error: z.string() })
  .meta({ description: 'Seed 001 error envelope: `{"error":"<message>"}`.' });

const DENIALS = {
  invalid_refresh_token: { code: "invalid_refresh_token" },
  invalid_credentials: { code: "invalid_credentials" },
  locked: { code: "locked", retryAfterSeconds: 600 },
  rate_limited: { code: "rate_limited", retryAfterSeconds: 60 },
  ip_not_allowed: { code: "ip_not_allowed" },
  invalid_token: { code: "invalid_token" },
} as const satisfies ExampleOfEach<PortalReason, "code">;

const organizationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  uuid: z.string(),
  description: z.string().nullable(),
  created_by_id: z.null(),
  updated_by_id: z.null(),
  created_at: z.string().describe("ISO-8601 with the offset of TIMEZONE."),
  updated_at: z.string(),
  ancestry: z.null(),
  payubiz_id: z.null(),
  hide_name: z.boolean(),
  url: z.string().nullable(),
  product: z.string(),
  header_mappings: z.null(),
});

const localDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
  .describe("`YYYY-MM-DD HH:MM:SS` in TIMEZONE.");

const loginSuccessSchema = z.object({
  status: z.literal(200),
  message: z.literal("Success"),
  token: z.string().regex(/^[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$/),
  expires_at: localDateTime,
  organization: organizationSchema,
});

// Seed 001, "Sample response".
const SEED_ORGANIZATION = {
  id: 17909,
  name: "Root",
  uuid: "root",
  description: "Root",
  created_by_id: null,
  updated_by_id: null,
  created_at: "2017-04-06T19:18:11.000+05:30",
  updated_at: "2017-04-06T19:18:11.000+05:30",
  ancestry: null,
  payubiz_id: null,
  hide_name: false,
  url: null,
  product: "na",
  header_mappings: null,
};

const login = (method: "get" | "post"): OperationSpec => ({
  method,
  path: "/api_auth",
  operationId: method === "get" ? "getPortalToken" : "postPortalToken",
  tag: TAG,
  summary: `Log in and get a portal token (${method.toUpperCase()})`,
  description:
    "PayU's Chargeback API login. Without `refresh_token=1` a live token is returned again (a new one when under an " +
    "hour is left); with it the old token stops working at once. Wrong email, wrong password, a disabled user and a " +
    "missing header all answer the same 401; 10 failures within 15 minutes lock the email (429), and too many " +
    "attempts per IP or per email are refused before the password is checked (429, docs/operations.md#rate-limits). " +
    "`HEAD` is 405 with `Allow: GET, POST`: a GET logs in and may end the old token, and HEAD never changes state.",
  parameters: [
    {
      name: "X-User-Email",
      in: "header",
      schema: z.string(),
      description: "The user's email.",
      example: "demo@example.com",
    },
    {
      name: "X-User-Password",
      in: "header",
      schema: passwordSchema,
      description: "The password, compared exactly as received.",
      example: "<password printed by npm run dev>",
    },
    ...parametersOf("query", loginQuerySchema, {
      refresh_token: {
        description: "`1` expires the old token and issues a new one; `0` (default) keeps it.",
      },
    }),
  ],
  responses: {
    200: jsonResponse(
      "The token, its expiry and the user's organization.",
      loginSuccessSchema,
      {
        seed: {
          summary: "Seed 001 success",
          value: {
            status: 200,
            message: "Success",
            token: "0ec164a4_1884_4c63_ba0b_87e5545c0e3e",
            expires_at: "2024-06-28 17:37:31",
            organization: SEED_ORGANIZATION,
          },
        },
      },
      NO_STORE,
    ),
    ...errorResponses(portalErrorSchema, {
      ...reasonWires(portalError, DENIALS, [
        "invalid_refresh_token",
        "invalid_credentials",
        "ip_not_allowed",
        "locked",
        "rate_limited",
      ]),
      ...faultWires(renderPortalFault, ["internal", "unavailable"]),
    }),
  },
});

export const portalApi: OperationGroup = {
  schemas: { PortalError: portalErrorSchema, PortalOrganization: organizationSchema },
  operations: [
    login("get"),
    login("post"),
    {
      method: "get",
      path: "/api_auth/session",
      operationId: "getPortalSession",
      tag: TAG,
      summary: "Check a portal token",
      description: "For gateways and downstream services: revocation and expiry take effect here at once.",
      security: [["portalToken"]],
      responses: {
        200: jsonResponse(
          "The token is live.",
          z.object({ email: z.string(), organization_id: z.number().int(), expires_at: localDateTime }),
          {
            live: {
              summary: "A live token",
              value: { email: "jane@example.com", organization_id: 17909, expires_at: "2024-06-28 17:37:31" },
            },
          },
          NO_STORE,
        ),
        ...errorResponses(portalErrorSchema, {
          ...reasonWires(portalError, DENIALS, ["invalid_token"]),
          ...faultWires(renderPortalFault, ["internal", "unavailable"]),
        }),
      },
    },
  ],
};
