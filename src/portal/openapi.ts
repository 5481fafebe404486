import * as z from "zod";
import {
  documentRoutes,
  type ExampleOfEach,
  faultWires,
  type OperationGroup,
  type OperationProse,
  type ParameterSpec,
  reasonWires,
} from "../shared/openapi";
import { portalContract } from "./contract";
import { type PortalReason, portalError, renderPortalFault } from "./errors";
import * as schemas from "./schema";

/** The portal family in the OpenAPI document (docs/portal.md, seed 001). */

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

const header = (name: string, schema: ParameterSpec["schema"], description: string, example: string) =>
  ({ name, in: "header", schema, description, example }) satisfies ParameterSpec;

const login = (method: "GET" | "POST"): OperationProse => ({
  summary: `Log in and get a portal token (${method})`,
  description:
    "PayU's Chargeback API login. Without `refresh_token=1` a live token is returned again (a new one when under an " +
    "hour is left); with it the old token stops working at once. Wrong email, wrong password, a disabled user and a " +
    "missing header all answer the same 401; 10 failures within 15 minutes lock the email (429), and too many " +
    "attempts per IP or per email are refused before the password is checked (429, docs/operations.md#rate-limits). " +
    "`HEAD` is 405 with `Allow: GET, POST`: a GET logs in and may end the old token, and HEAD never changes state.",
  parameters: [
    header("X-User-Email", z.string(), "The user's email.", "demo@example.com"),
    header(
      "X-User-Password",
      schemas.passwordSchema,
      "The password, compared exactly as received.",
      "<password printed by npm run dev>",
    ),
  ],
  parameterDetails: {
    refresh_token: { description: "`1` expires the old token and issues a new one; `0` (default) keeps it." },
  },
  success: {
    description: "The token, its expiry and the user's organization.",
    examples: {
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
  },
});

export const portalApi: OperationGroup = {
  schemas: { PortalError: portalErrorSchema, PortalOrganization: schemas.organizationSchema },
  operations: documentRoutes(
    portalContract,
    schemas,
    {
      tag: "Portal login token",
      envelope: portalErrorSchema,
      errorWires: (route) => ({
        ...reasonWires(portalError, DENIALS, route.errors),
        ...faultWires(renderPortalFault, route.faults),
      }),
    },
    {
      getPortalToken: login("GET"),
      postPortalToken: login("POST"),
      getPortalSession: {
        summary: "Check a portal token",
        description: "For gateways and downstream services: revocation and expiry take effect here at once.",
        success: {
          description: "The token is live.",
          examples: {
            live: {
              summary: "A live token",
              value: { email: "jane@example.com", organization_id: 17909, expires_at: "2024-06-28 17:37:31" },
            },
          },
        },
      },
    },
  ),
};
