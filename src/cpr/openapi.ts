import * as z from "zod";
import type { WireError } from "../shared/fault";
import {
  type DocumentedSchema,
  type ExampleOfEach,
  errorResponses,
  faultWires,
  firstIssue,
  type HeaderSpec,
  jsonBody,
  jsonResponse,
  NO_STORE,
  type OperationGroup,
  type ParameterSpec,
  type ResponseSpec,
  reasonWires,
} from "../shared/openapi";
import { DEPRECATED_SINCE, SUCCESSOR_LINK, UNIQUE_ID_SUNSET } from "./deprecation";
import { type CprReason, cprError, renderCprFault } from "./errors";
import * as bodies from "./schema";

/** The CPR family in the OpenAPI document (docs/cpr.md, seed 002). */

const { authTokenBodySchema, legacyAuthTokenBodySchema, uniqueIdBodySchema } = bodies;

const TAG = "CPR auth token";

// Seed 002 sample cURL, with the demo tenant that `npm run dev` seeds.
const DEMO = {
  appId: "demo-app",
  appKey: "<appKey printed by npm run dev>",
  transactionId: "txn-1",
  workflowId: "demo-workflow",
};

const cprErrorSchema = z
  .object({
    statusCode: z.number().int().describe("The HTTP status, repeated."),
    status: z.literal("failure"),
    error: z.string().describe("What went wrong; for a 400, the first failing field's message (seed 002)."),
    errorCode: z.string().describe("invalid_request_body, unauthorized_access, workflow_not_found, …"),
  })
  .meta({ description: 'Seed 002 error envelope: `{"statusCode","status":"failure","error","errorCode"}`.' });

/** A seed 002 success with one example. */
function successResponse(
  description: string,
  schema: DocumentedSchema,
  example: { readonly name: string; readonly summary: string; readonly result: unknown },
  headers: Readonly<Record<string, HeaderSpec>>,
): ResponseSpec {
  const value = { statusCode: 200, status: "success", result: example.result };
  return jsonResponse(description, schema, { [example.name]: { summary: example.summary, value } }, headers);
}

const METADATA = {
  appId: DEMO.appId,
  transactionId: DEMO.transactionId,
  workflowId: DEMO.workflowId,
  journeyId: "6f1c2a1e-3b7d-4c55-9a51-2f0f3c8e9d10",
};
const JWT =
  "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGhlZGdlLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJl";

// One example of every reason; the 400 examples are the schema's own first messages.
const REASONS = {
  invalid_request_body: { code: "invalid_request_body", message: '"appId" is required' },
  unauthorized_access: { code: "unauthorized_access", cause: "ip_not_allowed" },
  workflow_not_found: { code: "workflow_not_found" },
  unique_id_conflict: { code: "unique_id_conflict" },
} as const satisfies ExampleOfEach<CprReason, "code">;

function invalidBody(schema: DocumentedSchema, input: unknown): WireError {
  return cprError({ code: "invalid_request_body", message: firstIssue(schema, input).message });
}

/** Every error a CPR route answers with, the 400s as the schema words them for these inputs. */
function cprErrors(invalid: Readonly<Record<string, WireError>>) {
  return errorResponses(cprErrorSchema, {
    ...invalid,
    ...reasonWires(cprError, REASONS, ["unauthorized_access", "workflow_not_found", "unique_id_conflict"]),
    ...faultWires(renderCprFault),
  });
}

// docs/cpr.md#request-signatures: only for apps that registered request-signing keys.
const SIGNATURE_HEADERS: ParameterSpec[] = [
  {
    name: "X-Key-Id",
    in: "header",
    schema: z.string(),
    description: "Id of the app's request-signing key (docs/cpr.md#request-signatures).",
  },
  {
    name: "X-Timestamp",
    in: "header",
    schema: z.string(),
    description: "Unix milliseconds, within 5 minutes of now.",
  },
  {
    name: "X-Signature",
    in: "header",
    schema: z.string(),
    description:
      "Base64 signature (RS256, PS256 or ES256 raw r‖s) over `<X-Timestamp>.<exact raw body>`. Accepted once: " +
      "the same signed request again, on any CPR route, is 401.",
  },
];

const DEPRECATION_HEADERS = {
  ...NO_STORE,
  Deprecation: {
    description: "RFC 9745: the date since which the route is deprecated.",
    example: DEPRECATED_SINCE,
  },
  Link: { description: "The successor route.", example: SUCCESSOR_LINK },
};

const authTokenExample = { ...DEMO, authenticateOnResume: "yes", mobileNumber: "+91 98765 43210" };

export const cprApi: OperationGroup = {
  schemas: { CprError: cprErrorSchema },
  operations: [
    {
      method: "post",
      path: "/v2/auth/token",
      operationId: "createCprAuthToken",
      tag: TAG,
      summary: "Issue a CPR auth token",
      description:
        "Validates the body field by field (first failure wins), admits the app by appKey and IP, checks the workflow, " +
        "opens or continues the transaction and returns a JWT. A uniqueId is derived when mobileNumber or email is given, " +
        'and embedded in the token only when authenticateOnResume is "no" (seed 002 table).',
      parameters: SIGNATURE_HEADERS,
      requestBody: jsonBody(authTokenBodySchema, {
        mobile: { summary: "Seed 002 sample: resume with OTP on a mobile number", value: authTokenExample },
        email: {
          summary: "Email, uniqueId embedded, 1-hour token",
          value: { ...DEMO, authenticateOnResume: "no", expiry: 3600, email: "jane@example.com" },
        },
        minimal: { summary: "No identifier: no uniqueId", value: DEMO },
      }),
      responses: {
        200: successResponse(
          "The token and the transaction's metadata.",
          bodies.authTokenSuccessSchema,
          { name: "issued", summary: "Seed 002 success", result: { authToken: JWT, metadata: METADATA } },
          NO_STORE,
        ),
        ...cprErrors({
          "appId missing": invalidBody(authTokenBodySchema, {}),
          "expiry as a string": invalidBody(authTokenBodySchema, { ...DEMO, expiry: "3600" }),
          "both identifiers": invalidBody(authTokenBodySchema, {
            ...authTokenExample,
            email: "jane@example.com",
          }),
          // docs/admin.md#ids: a URL path cannot carry these back (the admin revoke route),
          // docs/http.md#ids-a-url-cannot-carry-back.
          "transactionId . or ..": invalidBody(authTokenBodySchema, { ...DEMO, transactionId: ".." }),
        }),
      },
    },
    {
      method: "post",
      path: "/v2/generate-auth-token",
      operationId: "createCprAuthTokenLegacy",
      tag: TAG,
      summary: "Issue a CPR auth token (legacy)",
      deprecated: true,
      description:
        "The older contract: `userAuthRequired` for authenticateOnResume, the identifier inside `authObject`, and the " +
        "token as `result.token`. Use `POST /v2/auth/token`.",
      parameters: SIGNATURE_HEADERS,
      requestBody: jsonBody(legacyAuthTokenBodySchema, {
        legacy: {
          summary: "Identifier in authObject",
          value: { ...DEMO, userAuthRequired: "no", authObject: { email: "jane@example.com" } },
        },
      }),
      responses: {
        200: successResponse(
          "The token (as `token`) and the transaction's metadata.",
          bodies.legacyAuthTokenSuccessSchema,
          { name: "issued", summary: "Legacy success", result: { token: JWT, metadata: METADATA } },
          DEPRECATION_HEADERS,
        ),
        ...cprErrors({
          "appId missing": invalidBody(legacyAuthTokenBodySchema, {}),
          "bad userAuthRequired": invalidBody(legacyAuthTokenBodySchema, {
            ...DEMO,
            userAuthRequired: "maybe",
          }),
        }),
      },
    },
    {
      method: "post",
      path: "/v2/generate-unique-id",
      operationId: "createCprUniqueId",
      tag: TAG,
      summary: "Derive a uniqueId (deprecated)",
      deprecated: true,
      description:
        "Authenticated by `appid` + `appkey` headers or by a live CPR token as bearer, plus the IP check; a bearer " +
        "token acts only on its own transaction (another `transactionId` is 401). Creates the " +
        "transaction state when missing and returns the uniqueId for the identifier.",
      security: [["cprAppIdHeader", "cprAppKeyHeader"], ["cprToken"]],
      parameters: SIGNATURE_HEADERS,
      requestBody: jsonBody(uniqueIdBodySchema, {
        mobile: {
          summary: "A mobile number",
          value: {
            transactionId: DEMO.transactionId,
            workflowId: DEMO.workflowId,
            mobileNumber: "9876543210",
          },
        },
      }),
      responses: {
        200: successResponse(
          "The uniqueId of the identifier for this app.",
          bodies.uniqueIdSuccessSchema,
          {
            name: "derived",
            summary: "uniqueId derived",
            result: {
              uniqueId: "3f8a9c1d2b4e6f708192a3b4c5d6e7f8",
              transactionId: DEMO.transactionId,
              workflowId: DEMO.workflowId,
            },
          },
          {
            ...DEPRECATION_HEADERS,
            Sunset: {
              description: "RFC 8594: the date after which the route may be removed.",
              example: UNIQUE_ID_SUNSET,
            },
          },
        ),
        ...cprErrors({
          "no identifier": invalidBody(uniqueIdBodySchema, {
            transactionId: "txn-1",
            workflowId: "demo-workflow",
          }),
        }),
      },
    },
  ],
};
