import * as z from "zod";
import type { WireError } from "../shared/fault";
import {
  type DocumentedSchema,
  documentRoutes,
  type Example,
  type ExampleOfEach,
  faultWires,
  firstIssue,
  type HeaderSpec,
  type OperationGroup,
  type ParameterSpec,
  reasonWires,
} from "../shared/openapi";
import { cprContract } from "./contract";
import { DEPRECATED_SINCE, SUCCESSOR_LINK, UNIQUE_ID_SUNSET } from "./deprecation";
import { type CprReason, cprError, renderCprFault } from "./errors";
import * as schemas from "./schema";

/** The CPR family in the OpenAPI document (docs/cpr.md, seed 002). */

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

/** One example of a seed 002 success, `{"statusCode":200,"status":"success","result"}`. */
function successExample(name: string, summary: string, result: unknown): Record<string, Example> {
  return { [name]: { summary, value: { statusCode: 200, status: "success", result } } };
}

const TRANSACTION = { transactionId: DEMO.transactionId, workflowId: DEMO.workflowId };
const METADATA = { appId: DEMO.appId, ...TRANSACTION, journeyId: "6f1c2a1e-3b7d-4c55-9a51-2f0f3c8e9d10" };
const JWT =
  "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldi0xIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL2F1dGhlZGdlLmV4YW1wbGUuY29tIn0.c2lnbmF0dXJl";

// One example of every reason; the 400 examples are the schema's own first messages, in each operation's prose.
const REASONS = {
  invalid_request_body: { code: "invalid_request_body", message: '"appId" is required' },
  unauthorized_access: { code: "unauthorized_access", cause: "ip_not_allowed" },
  workflow_not_found: { code: "workflow_not_found" },
  unique_id_conflict: { code: "unique_id_conflict" },
} as const satisfies ExampleOfEach<CprReason, "code">;

/** The 400 a body schema answers for `input`. */
const invalidBody =
  (schema: DocumentedSchema) =>
  (input: unknown): WireError =>
    cprError({ code: "invalid_request_body", message: firstIssue(schema, input).message });
const invalidToken = invalidBody(schemas.authTokenBodySchema);
const invalidLegacy = invalidBody(schemas.legacyAuthTokenBodySchema);

const header = (name: string, description: string) =>
  ({ name, in: "header", schema: z.string(), description }) satisfies ParameterSpec;

// docs/cpr.md#request-signatures: only for apps that registered request-signing keys.
const SIGNATURE_HEADERS = [
  header("X-Key-Id", "Id of the app's request-signing key (docs/cpr.md#request-signatures)."),
  header("X-Timestamp", "Unix milliseconds, within 5 minutes of now."),
  header(
    "X-Signature",
    "Base64 signature (RS256, PS256 or ES256 raw r‖s) over `<X-Timestamp>.<exact raw body>`. Accepted once: " +
      "the same signed request again, on any CPR route, is 401.",
  ),
];

// The values the contract's `deprecated` flag sets.
const DEPRECATION_HEADERS: Readonly<Record<string, HeaderSpec>> = {
  Deprecation: {
    description: "RFC 9745: the date since which the route is deprecated.",
    example: DEPRECATED_SINCE,
  },
  Link: { description: "The successor route.", example: SUCCESSOR_LINK },
};

const authTokenExample = { ...DEMO, authenticateOnResume: "yes", mobileNumber: "+91 98765 43210" };

export const cprApi: OperationGroup = {
  schemas: { CprError: cprErrorSchema },
  operations: documentRoutes(
    cprContract,
    schemas,
    {
      tag: "CPR auth token",
      envelope: cprErrorSchema,
      // A 400's examples are worded by the route's own schema, in the operation's prose `errors`.
      errorWires: (route) => ({
        ...reasonWires(
          cprError,
          REASONS,
          route.errors.filter((code) => code !== "invalid_request_body"),
        ),
        ...faultWires(renderCprFault, route.faults),
      }),
    },
    {
      createCprAuthToken: {
        summary: "Issue a CPR auth token",
        description:
          "Validates the body field by field (first failure wins), admits the app by appKey and IP, checks the workflow, " +
          "opens or continues the transaction and returns a JWT. A uniqueId is derived when mobileNumber or email is given, " +
          'and embedded in the token only when authenticateOnResume is "no" (seed 002 table).',
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          examples: {
            mobile: {
              summary: "Seed 002 sample: resume with OTP on a mobile number",
              value: authTokenExample,
            },
            email: {
              summary: "Email, uniqueId embedded, 1-hour token",
              value: { ...DEMO, authenticateOnResume: "no", expiry: 3600, email: "jane@example.com" },
            },
            minimal: { summary: "No identifier: no uniqueId", value: DEMO },
          },
        },
        success: {
          description: "The token and the transaction's metadata.",
          examples: successExample("issued", "Seed 002 success", { authToken: JWT, metadata: METADATA }),
        },
        errors: {
          "appId missing": invalidToken({}),
          "expiry as a string": invalidToken({ ...DEMO, expiry: "3600" }),
          "both identifiers": invalidToken({ ...authTokenExample, email: "jane@example.com" }),
          // docs/admin.md#ids: a URL path cannot carry these back (the admin revoke route),
          // docs/http.md#ids-a-url-cannot-carry-back.
          "transactionId . or ..": invalidToken({ ...DEMO, transactionId: ".." }),
        },
      },
      createCprAuthTokenLegacy: {
        summary: "Issue a CPR auth token (legacy)",
        description:
          "The older contract: `userAuthRequired` for authenticateOnResume, the identifier inside `authObject`, and the " +
          "token as `result.token`. Use `POST /v2/auth/token`.",
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          examples: {
            legacy: {
              summary: "Identifier in authObject",
              value: { ...DEMO, userAuthRequired: "no", authObject: { email: "jane@example.com" } },
            },
          },
        },
        success: {
          description: "The token (as `token`) and the transaction's metadata.",
          examples: successExample("issued", "Legacy success", { token: JWT, metadata: METADATA }),
          headers: DEPRECATION_HEADERS,
        },
        errors: {
          "appId missing": invalidLegacy({}),
          "bad userAuthRequired": invalidLegacy({ ...DEMO, userAuthRequired: "maybe" }),
        },
      },
      createCprUniqueId: {
        summary: "Derive a uniqueId (deprecated)",
        description:
          "Authenticated by `appid` + `appkey` headers or by a live CPR token as bearer, plus the IP check; a bearer " +
          "token acts only on its own transaction (another `transactionId` is 401). Creates the " +
          "transaction state when missing and returns the uniqueId for the identifier.",
        parameters: SIGNATURE_HEADERS,
        requestBody: {
          examples: {
            mobile: { summary: "A mobile number", value: { ...TRANSACTION, mobileNumber: "9876543210" } },
          },
        },
        success: {
          description: "The uniqueId of the identifier for this app.",
          examples: successExample("derived", "uniqueId derived", {
            uniqueId: "3f8a9c1d2b4e6f708192a3b4c5d6e7f8",
            ...TRANSACTION,
          }),
          headers: {
            ...DEPRECATION_HEADERS,
            Sunset: {
              description: "RFC 8594: the date after which the route may be removed.",
              example: UNIQUE_ID_SUNSET,
            },
          },
        },
        errors: {
          "no identifier": invalidBody(schemas.uniqueIdBodySchema)(TRANSACTION),
        },
      },
    },
  ),
};
