import * as z from "zod";
import {
  type ExampleOfEach,
  errorResponses,
  faultWires,
  firstIssue,
  jsonResponse,
  NO_STORE,
  type OperationGroup,
  type ParameterSpec,
  reasonWires,
} from "../shared/openapi";
import { customerIdOf } from "./customer-id";
import { PROCESS_ACTIONS, SERVICE } from "./envelope";
import {
  type CustomerApiReason,
  customerApiError,
  type ProcessReason,
  processError,
  renderCustomerApiFault,
  renderUpiFault,
} from "./errors";
import {
  bankAccountSchema,
  clientTokenGroupSchema,
  clientTokenOptionSchema,
  createCustomerSchema,
  envelopeSchema,
  parseProcessRequest,
  signatureGroupSchema,
  updateCustomerSchema,
} from "./schema";

/** The UPI family in the OpenAPI document (docs/upi.md#customer-api, seed 000) and Juspay's Customer API. */

const PROCESS_TAG = "UPI session token";
const CUSTOMERS_TAG = "UPI Customer API";

// Seed 000's shapes with the demo tenant `npm run dev` seeds (scripts/seed/upi.mjs), so "Try it out"
// works with the printed credentials; requestId is a real UUID (the seed's is not).
const REQUEST_ID = "0b4c9a4e-8d1f-4f5e-9c1a-7e2b3d4f5a6b";
const MERCHANT_ID = "demo-merchant";
const CUSTOMER_ID = "demo-customer";
const CLIENT_AUTH_TOKEN = "tkn_2p2k1b6d26eg4740b9ef01294d3a43b4";

const signedPayload = JSON.stringify({
  merchant_id: MERCHANT_ID,
  customer_id: CUSTOMER_ID,
  timestamp: "1721372453318",
  customer_mobile_number: "919876543210",
});

const PROCESS_EXAMPLES = {
  signature: {
    summary: "Signature mode (seed 000, signature support)",
    value: {
      requestId: REQUEST_ID,
      service: SERVICE,
      payload: {
        action: "upiGetSessionToken",
        merchantKeyId: "demo-key-1",
        signaturePayload: signedPayload,
        signature: "<base64 RSA-SHA256 signature of signaturePayload, made with the demo key>",
      },
    },
  },
  clientAuthToken: {
    summary: "Client-auth-token mode (seed 000, ClientAuthToken support)",
    value: {
      requestId: REQUEST_ID,
      service: SERVICE,
      payload: {
        action: "upiGetSessionToken",
        merchantId: MERCHANT_ID,
        customerId: CUSTOMER_ID,
        clientAuthToken: CLIENT_AUTH_TOKEN,
        authExpiry: "2021-07-19T07:20:53.318Z",
      },
    },
  },
  updateAuth: {
    summary: "Renew a session",
    value: {
      requestId: REQUEST_ID,
      service: SERVICE,
      payload: {
        action: "updateAuth",
        merchantId: MERCHANT_ID,
        customerId: CUSTOMER_ID,
        clientAuthToken: CLIENT_AUTH_TOKEN,
      },
    },
  },
};

// The route's own schemas, the authentication groups as the alternatives of `payload` (the route
// picks one by the fields present); its refinement is the route's own parser, so the examples are
// checked against the real thing, group choice included. The route's schemas are zod/mini's: they are
// composed here by their shapes (the fields themselves), with classic zod's functions only.
const actionSchema = z.enum(PROCESS_ACTIONS);
const processRequestSchema = z
  .object({
    ...envelopeSchema.shape,
    payload: z.union([
      z.object({ ...signatureGroupSchema.shape, action: actionSchema }).meta({ title: "Signature mode" }),
      z
        .object({ ...clientTokenGroupSchema.shape, action: actionSchema })
        .meta({ title: "Client-auth-token mode" }),
    ]),
  })
  .superRefine((body, ctx) => {
    const parsed = parseProcessRequest(body);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: JSON.stringify(parsed.reason) });
  });

/** A refusal the route's own parser gives for `body`, checked to be of the expected kind. */
function refusalOf<Code extends ProcessReason["code"]>(
  body: unknown,
  code: Code,
): Extract<ProcessReason, { code: Code }> {
  const parsed = parseProcessRequest(body);
  if (parsed.ok || parsed.reason.code !== code)
    throw new Error(`expected ${code} for ${JSON.stringify(body)}`);
  return parsed.reason as Extract<ProcessReason, { code: Code }>;
}

const signatureRequest = PROCESS_EXAMPLES.signature.value;
const PROCESS_REASONS = {
  missing_parameter: refusalOf({ ...signatureRequest, requestId: undefined }, "missing_parameter"),
  invalid_input: refusalOf({ ...signatureRequest, requestId: "abcd-12345-abcd-12345" }, "invalid_input"),
  unsupported_action: { code: "unsupported_action" },
  unknown_merchant: { code: "unknown_merchant" },
  unknown_key: { code: "unknown_key" },
  retired_key: { code: "retired_key" },
  bad_signature: { code: "bad_signature" },
  timestamp_too_old: { code: "timestamp_too_old" },
  timestamp_in_future: { code: "timestamp_in_future" },
  client_token_unknown: { code: "client_token_unknown" },
  client_token_expired: { code: "client_token_expired" },
  client_token_used_up: { code: "client_token_used_up" },
  duplicate_request: { code: "duplicate_request" },
  ip_not_allowed: { code: "ip_not_allowed" },
} as const satisfies ExampleOfEach<ProcessReason, "code">;

const stringFlag = z.enum(["true", "false"]);

// Stored accounts answer every field as a string (seed 000); the fields are the admin schema's own.
const bankAccountAnswerSchema = z.object(
  Object.fromEntries(
    Object.entries(bankAccountSchema.shape).map(([name, field]) => [
      name,
      field.safeParse(undefined).success ? z.string().optional() : z.string(),
    ]),
  ),
);

const processEnvelope = (payload: z.ZodType) =>
  z.object({
    requestId: z.string(),
    service: z.literal(SERVICE),
    payload,
    error: z.boolean(),
    errorMessage: z.string(),
    errorCode: z.string(),
    event: z.literal("process_result"),
  });

const processFailureSchema = processEnvelope(
  z.object({ action: z.string().optional(), status: z.literal("FAILURE") }),
).meta({ description: "Seed 000 response envelope with `error: true` and Juspay's errorCode vocabulary." });

const sessionAnswerSchema = processEnvelope(
  z.object({
    action: z.enum(PROCESS_ACTIONS),
    status: z.enum(["FRESH", "BOUND", "LINKED"]),
    isDeviceBound: stringFlag,
    isDeviceActivated: stringFlag,
    prefix: z.string(),
    vpaAccounts: z
      .array(z.object({ vpa: z.string(), accounts: z.array(bankAccountAnswerSchema) }))
      .optional()
      .describe("Only when LINKED."),
    customerMobileNumber: z
      .string()
      .describe("First 2 and last 4 digits, `X` between; empty when not bound."),
    deviceFingerPrint: z.string(),
    otherInfo: z.unknown().optional(),
    sessionToken: z.string().describe("JWT for this merchant, customer and device, 15 minutes."),
    sessionTokenExpiry: z.string(),
  }),
);

/** The demo customer's linked accounts: as the admin API sets them and as a LINKED answer shows them. */
export const VPA_ACCOUNTS = [
  {
    vpa: "jane@okbank",
    accounts: [
      {
        bankCode: "508534",
        bankName: "Example Bank",
        maskedAccountNumber: "XXXXXX1234",
        mpinLength: "6",
        mpinSet: "true",
        referenceId: "ref-1",
        otpLength: "6",
        atmPinLength: "4",
        type: "SAVINGS",
        branchName: "MG Road",
        bankAccountUniqueId: "acc-1",
        ifsc: "EXMP0000001",
        isPrimary: "true",
        name: "Jane",
      },
    ],
  },
];

const LINKED_ANSWER = {
  requestId: REQUEST_ID,
  service: SERVICE,
  payload: {
    action: "upiGetSessionToken",
    status: "LINKED",
    isDeviceBound: "true",
    isDeviceActivated: "true",
    prefix: "ABC",
    vpaAccounts: VPA_ACCOUNTS,
    customerMobileNumber: "91XXXXXX3210",
    deviceFingerPrint: "fp-1",
    sessionToken: "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhYmNkZTEyMzQ1In0.c2lnbmF0dXJl",
    sessionTokenExpiry: "2024-06-28T12:22:31Z",
  },
  error: false,
  errorMessage: "",
  errorCode: "",
  event: "process_result",
};

// Customer API (Juspay): errors `{"status","error_code","error_message","error_info":{...}}`.
const customerApiErrorSchema = z
  .object({
    status: z.string(),
    error_code: z.string(),
    error_message: z.string(),
    error_info: z.object({
      code: z.string(),
      category: z.enum(["USER_ERROR", "SERVER_ERROR"]),
      user_message: z.string(),
      developer_message: z.string(),
    }),
  })
  .meta({ description: "Juspay Customer API error envelope." });

const customerSchema = z.object({
  id: z.string(),
  object: z.literal("customer"),
  object_reference_id: z.string(),
  mobile_number: z.string().nullable(),
  email_address: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  mobile_country_code: z.string().describe('Digits without "+"; "91" unless given.'),
  date_created: z.string(),
  last_updated: z.string(),
  juspay: z
    .object({ client_auth_token: z.string(), client_auth_token_expiry: z.string() })
    .optional()
    .describe("Only with options.get_client_auth_token=true."),
});

const CUSTOMER = {
  id: customerIdOf(CUSTOMER_ID),
  object: "customer",
  object_reference_id: CUSTOMER_ID,
  mobile_number: "919876543210",
  email_address: "jane@example.com",
  first_name: "Jane",
  last_name: "Doe",
  mobile_country_code: "91",
  date_created: "2024-06-21T12:07:31Z",
  last_updated: "2024-06-21T12:07:31Z",
};
const CUSTOMER_WITH_TOKEN = {
  ...CUSTOMER,
  juspay: { client_auth_token: CLIENT_AUTH_TOKEN, client_auth_token_expiry: "2024-06-21T12:22:31Z" },
};

const TOKEN_OPTION = "options.get_client_auth_token";
const invalidField = (field: keyof typeof createCustomerSchema.shape, value: unknown) =>
  firstIssue(createCustomerSchema.shape[field], value).message;

const CUSTOMER_API_REASONS = {
  missing_parameter: { code: "missing_parameter", field: "object_reference_id" },
  invalid_input: {
    code: "invalid_input",
    field: "mobile_number",
    message: invalidField("mobile_number", "98-76"),
  },
  unauthenticated: { code: "unauthenticated" },
  ip_not_allowed: { code: "ip_not_allowed" },
  customer_exists: { code: "customer_exists" },
  customer_not_found: { code: "customer_not_found" },
} as const satisfies ExampleOfEach<CustomerApiReason, "code">;

// GET /customers/{customerId}: the one input it validates is the token option (query or body).
const CUSTOMER_GET_REASONS = {
  ...CUSTOMER_API_REASONS,
  invalid_input: {
    code: "invalid_input",
    field: TOKEN_OPTION,
    message: firstIssue(clientTokenOptionSchema, "maybe").message,
  },
} as const satisfies ExampleOfEach<CustomerApiReason, "code">;

const customerResponses = (
  reasons: readonly (keyof typeof CUSTOMER_API_REASONS)[],
  faults = true,
  table: Readonly<Record<keyof typeof CUSTOMER_API_REASONS, CustomerApiReason>> = CUSTOMER_API_REASONS,
) => ({
  200: jsonResponse(
    "The customer object; with the option, a fresh client auth token in `juspay`.",
    customerSchema,
    {
      withToken: { summary: "With options.get_client_auth_token=true", value: CUSTOMER_WITH_TOKEN },
      plain: { summary: "Without the option", value: CUSTOMER },
    },
    NO_STORE,
  ),
  ...errorResponses(customerApiErrorSchema, {
    ...reasonWires(customerApiError, table, reasons),
    ...(faults
      ? faultWires(renderCustomerApiFault)
      : faultWires(renderCustomerApiFault, ["internal", "unavailable"])),
  }),
});

const createCustomerForm = z.object({
  ...createCustomerSchema.shape,
  [TOKEN_OPTION]: clientTokenOptionSchema,
});
const createCustomerJson = z.object({
  ...createCustomerSchema.shape,
  options: z.object({ get_client_auth_token: clientTokenOptionSchema }).optional(),
});
const updateCustomerForm = z.object({
  ...updateCustomerSchema.shape,
  [TOKEN_OPTION]: clientTokenOptionSchema,
});
const updateCustomerJson = z.object({
  ...updateCustomerSchema.shape,
  options: z.object({ get_client_auth_token: clientTokenOptionSchema }).optional(),
});

const CUSTOMER_PATH_ID: ParameterSpec = {
  name: "customerId",
  in: "path",
  schema: z.string().min(1).max(256),
  description:
    "The customer's `id` (`cst_…`, as creation answered it) or the merchant's `object_reference_id`. " +
    "The `cst_` id is derived from the reference (`cst_` + the reference in lowercase base32), so both " +
    "name the customer at once, everywhere. A reference that looks like a `cst_` id still works: a " +
    "`cst_` id that names no customer is tried as a reference.",
  example: CUSTOMER_ID,
};

const CREATE_CUSTOMER = {
  object_reference_id: CUSTOMER_ID,
  mobile_number: "919876543210",
  email_address: "jane@example.com",
  first_name: "Jane",
  last_name: "Doe",
};

const merchantCredentials = [["merchantApiKey", "merchantIdHeader"]] as const;

const tokenOptionQuery: ParameterSpec = {
  name: TOKEN_OPTION,
  in: "query",
  schema: clientTokenOptionSchema,
  description:
    "`true` issues a client auth token (15 minutes, limited uses) in `juspay`. Accepted as Juspay's SDKs " +
    "send it: `true`, `True` or `1` (`false`, `False`, `0` for no), in the query or the body, dotted " +
    "(`options.get_client_auth_token`), bracketed (`options[get_client_auth_token]`) or nested in JSON.",
  example: "true",
};

export const upiApi: OperationGroup = {
  schemas: {
    UpiProcessFailure: processFailureSchema,
    CustomerApiError: customerApiErrorSchema,
    UpiCustomer: customerSchema,
  },
  operations: [
    {
      method: "post",
      path: "/hyperapi/process",
      operationId: "processUpiSessionToken",
      tag: PROCESS_TAG,
      summary: "Get or renew a UPI session token",
      description:
        "`upiGetSessionToken` or `updateAuth`, authenticated either by a merchant signature over `signaturePayload` " +
        "(redeemable once; the same requestId repeated returns the same answer) or by a client auth token from the " +
        "Customer API. The answer reflects the customer's device binding and linked accounts.",
      requestBody: {
        required: true,
        content: { "application/json": { schema: processRequestSchema, examples: PROCESS_EXAMPLES } },
      },
      responses: {
        200: jsonResponse(
          "The session token and the customer's state.",
          sessionAnswerSchema,
          {
            linked: { summary: "LINKED customer", value: LINKED_ANSWER },
          },
          NO_STORE,
        ),
        ...errorResponses(processFailureSchema, {
          ...reasonWires(
            (reason: ProcessReason) =>
              processError(reason, { requestId: REQUEST_ID, action: "upiGetSessionToken" }),
            PROCESS_REASONS,
            Object.keys(PROCESS_REASONS),
          ),
          ...faultWires(renderUpiFault, ["payload_too_large", "internal", "unavailable"]),
        }),
      },
    },
    {
      method: "post",
      path: "/customers",
      operationId: "createUpiCustomer",
      tag: CUSTOMERS_TAG,
      summary: "Create a customer (and optionally a client auth token)",
      description: "Juspay's Create Customer, form-encoded or JSON. Unknown fields are ignored.",
      security: merchantCredentials,
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: createCustomerForm,
            examples: {
              form: {
                summary: "As Juspay's SDKs send it",
                value: { ...CREATE_CUSTOMER, [TOKEN_OPTION]: "true" },
              },
            },
          },
          "application/json": {
            schema: createCustomerJson,
            examples: {
              json: {
                summary: "JSON with nested options",
                value: { ...CREATE_CUSTOMER, options: { get_client_auth_token: true } },
              },
            },
          },
        },
      },
      responses: customerResponses([
        "missing_parameter",
        "invalid_input",
        "unauthenticated",
        "ip_not_allowed",
        "customer_exists",
      ]),
    },
    {
      method: "get",
      path: "/customers/{customerId}",
      operationId: "getUpiCustomer",
      tag: CUSTOMERS_TAG,
      summary: "Get a customer (and optionally a client auth token)",
      description:
        "`HEAD` is 405 with `Allow: GET, POST`: with the option a GET mints a token, and HEAD never changes state " +
        "(docs/http.md).",
      security: merchantCredentials,
      parameters: [CUSTOMER_PATH_ID, tokenOptionQuery],
      responses: customerResponses(
        ["invalid_input", "unauthenticated", "ip_not_allowed", "customer_not_found"],
        false,
        CUSTOMER_GET_REASONS,
      ),
    },
    {
      method: "post",
      path: "/customers/{customerId}",
      operationId: "updateUpiCustomer",
      tag: CUSTOMERS_TAG,
      summary: "Update a customer (and optionally get a client auth token)",
      description:
        "Juspay's Update Customer. The fields given replace the stored ones, with creation's validation; " +
        "the others stay. `object_reference_id` may be repeated, not changed (400). Answers the updated " +
        "object, with a client auth token in `juspay` when `options.get_client_auth_token` is true.",
      security: merchantCredentials,
      parameters: [CUSTOMER_PATH_ID, tokenOptionQuery],
      requestBody: {
        required: true,
        content: {
          "application/x-www-form-urlencoded": {
            schema: updateCustomerForm,
            examples: {
              form: {
                summary: "As Juspay's SDKs send it",
                value: { email_address: "jane.doe@example.com", mobile_country_code: "91" },
              },
            },
          },
          "application/json": {
            schema: updateCustomerJson,
            examples: {
              json: {
                summary: "JSON with nested options",
                value: { first_name: "Janet", options: { get_client_auth_token: true } },
              },
            },
          },
        },
      },
      responses: customerResponses([
        "invalid_input",
        "unauthenticated",
        "ip_not_allowed",
        "customer_not_found",
      ]),
    },
  ],
};
