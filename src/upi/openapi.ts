import * as z from "zod";
import type { WireError } from "../shared/fault";
import {
  documentRoutes,
  type ExampleOfEach,
  faultWires,
  firstIssue,
  type OperationGroup,
  type OperationProse,
  type ParameterSpec,
} from "../shared/openapi";
import { customersContract, processContract } from "./contract";
import { customerIdOf } from "./customer-id";
import { SERVICE } from "./envelope";
import {
  type CustomerApiReason,
  customerApiError,
  type ProcessReason,
  processError,
  renderCustomerApiFault,
  renderUpiFault,
} from "./errors";
import * as schemas from "./schema";

// The UPI family in the OpenAPI document (seed 000, docs/upi.md#customer-api): contract.ts's routes, their
// prose and examples by operationId, and each envelope's error examples rendered by errors.ts.

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

const processBody = <Payload>(payload: Payload) => ({ requestId: REQUEST_ID, service: SERVICE, payload });

const PROCESS_EXAMPLES = {
  signature: {
    summary: "Signature mode (seed 000, signature support)",
    value: processBody({
      action: "upiGetSessionToken",
      merchantKeyId: "demo-key-1",
      signaturePayload: signedPayload,
      signature: "<base64 RSA-SHA256 signature of signaturePayload, made with the demo key>",
    }),
  },
  clientAuthToken: {
    summary: "Client-auth-token mode (seed 000, ClientAuthToken support)",
    value: processBody({
      action: "upiGetSessionToken",
      merchantId: MERCHANT_ID,
      customerId: CUSTOMER_ID,
      clientAuthToken: CLIENT_AUTH_TOKEN,
      authExpiry: "2021-07-19T07:20:53.318Z",
    }),
  },
  updateAuth: {
    summary: "Renew a session",
    value: processBody({
      action: "updateAuth",
      merchantId: MERCHANT_ID,
      customerId: CUSTOMER_ID,
      clientAuthToken: CLIENT_AUTH_TOKEN,
    }),
  },
};

/** A refusal the route's own parser gives for `body`, checked to be of the expected kind. */
function refusalOf<Code extends ProcessReason["code"]>(
  body: unknown,
  code: Code,
): Extract<ProcessReason, { code: Code }> {
  const parsed = schemas.parseProcessRequest(body);
  if (parsed.ok || parsed.reason.code !== code) {
    throw new Error(`expected ${code} for ${JSON.stringify(body)}`);
  }
  return parsed.reason as Extract<ProcessReason, { code: Code }>;
}

/** The reasons that carry more than their code: each needs an example below. */
type WithData<Reason> = Reason extends unknown ? (keyof Reason extends "code" ? never : Reason) : never;

/** The declared reasons' wire errors: from `withData`'s examples, the others' from their code alone. */
const wiresOf = <Reason>(
  render: (reason: Reason) => WireError,
  codes: readonly string[],
  withData: Readonly<Record<string, Reason>>,
) => Object.fromEntries(codes.map((code) => [code, render(withData[code] ?? ({ code } as Reason))]));

const signatureRequest = PROCESS_EXAMPLES.signature.value;
const PROCESS_REASONS = {
  missing_parameter: refusalOf({ ...signatureRequest, requestId: undefined }, "missing_parameter"),
  invalid_input: refusalOf({ ...signatureRequest, requestId: "abcd-12345-abcd-12345" }, "invalid_input"),
} as const satisfies ExampleOfEach<WithData<ProcessReason>, "code">;

const processErrorExample = (reason: ProcessReason) =>
  processError(reason, { requestId: REQUEST_ID, action: "upiGetSessionToken" });

// The seed's envelope of the process answers, with `error: true` and a payload of the status alone.
const processFailureSchema = z
  .object({
    ...schemas.processSuccessSchema.shape,
    payload: z.object({ action: z.string().optional(), status: z.literal("FAILURE") }),
  })
  .meta({ description: "Seed 000 response envelope with `error: true` and Juspay's errorCode vocabulary." });

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
  ...processBody({
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
  }),
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

const CREATE_CUSTOMER = {
  object_reference_id: CUSTOMER_ID,
  mobile_number: "919876543210",
  email_address: "jane@example.com",
  first_name: "Jane",
  last_name: "Doe",
};
const CUSTOMER = {
  id: customerIdOf(CUSTOMER_ID),
  object: "customer",
  ...CREATE_CUSTOMER,
  mobile_country_code: "91",
  date_created: "2024-06-21T12:07:31Z",
  last_updated: "2024-06-21T12:07:31Z",
};
const CUSTOMER_WITH_TOKEN = {
  ...CUSTOMER,
  juspay: { client_auth_token: CLIENT_AUTH_TOKEN, client_auth_token_expiry: "2024-06-21T12:22:31Z" },
};

const TOKEN_OPTION = "options.get_client_auth_token";

const CUSTOMER_API_REASONS = {
  missing_parameter: { code: "missing_parameter", field: "object_reference_id" },
  invalid_input: {
    code: "invalid_input",
    field: "mobile_number",
    message: firstIssue(schemas.createCustomerSchema.shape.mobile_number, "98-76").message,
  },
} as const satisfies ExampleOfEach<WithData<CustomerApiReason>, "code">;

// GET /customers/{customerId}: the one input it validates is the token option (query or body).
const CUSTOMER_GET_REASONS = {
  ...CUSTOMER_API_REASONS,
  invalid_input: {
    code: "invalid_input",
    field: TOKEN_OPTION,
    message: firstIssue(schemas.clientTokenOptionSchema, "maybe").message,
  },
} as const satisfies ExampleOfEach<WithData<CustomerApiReason>, "code">;

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

const tokenOptionQuery: ParameterSpec = {
  name: TOKEN_OPTION,
  in: "query",
  schema: schemas.clientTokenOptionSchema,
  description:
    "`true` issues a client auth token (15 minutes, limited uses) in `juspay`. Accepted as Juspay's SDKs " +
    "send it: `true`, `True` or `1` (`false`, `False`, `0` for no), in the query or the body, dotted " +
    "(`options.get_client_auth_token`), bracketed (`options[get_client_auth_token]`) or nested in JSON.",
  example: "true",
};

const CUSTOMER_SUCCESS: OperationProse["success"] = {
  description: "The customer object; with the option, a fresh client auth token in `juspay`.",
  examples: {
    withToken: { summary: "With options.get_client_auth_token=true", value: CUSTOMER_WITH_TOKEN },
    plain: { summary: "Without the option", value: CUSTOMER },
  },
};

/** Form-encoded as Juspay's SDKs send it, and JSON with the option nested. */
const customerBodyExamples = (form: object, json: object): OperationProse["requestBody"] => ({
  examplesByMediaType: {
    "application/x-www-form-urlencoded": { form: { summary: "As Juspay's SDKs send it", value: form } },
    "application/json": { json: { summary: "JSON with nested options", value: json } },
  },
});

export const upiApi: OperationGroup = {
  schemas: {
    UpiProcessFailure: processFailureSchema,
    CustomerApiError: customerApiErrorSchema,
    UpiCustomer: schemas.customerSchema,
  },
  operations: [
    ...documentRoutes(
      processContract,
      schemas,
      {
        tag: "UPI session token",
        envelope: processFailureSchema,
        errorWires: (route) => ({
          ...wiresOf(processErrorExample, route.errors, PROCESS_REASONS),
          ...faultWires(renderUpiFault, route.faults),
        }),
      },
      {
        processUpiSessionToken: {
          summary: "Get or renew a UPI session token",
          description:
            "`upiGetSessionToken` or `updateAuth`, authenticated either by a merchant signature over `signaturePayload` " +
            "(redeemable once; the same requestId repeated returns the same answer) or by a client auth token from the " +
            "Customer API. The answer reflects the customer's device binding and linked accounts.",
          requestBody: { examplesByMediaType: { "application/json": PROCESS_EXAMPLES } },
          success: {
            description: "The session token and the customer's state.",
            examples: { linked: { summary: "LINKED customer", value: LINKED_ANSWER } },
          },
        },
      },
    ),
    ...documentRoutes(
      customersContract,
      schemas,
      {
        tag: "UPI Customer API",
        envelope: customerApiErrorSchema,
        errorWires: (route) => ({
          ...wiresOf(
            customerApiError,
            route.errors,
            route === customersContract.getUpiCustomer ? CUSTOMER_GET_REASONS : CUSTOMER_API_REASONS,
          ),
          ...faultWires(renderCustomerApiFault, route.faults),
        }),
      },
      {
        createUpiCustomer: {
          summary: "Create a customer (and optionally a client auth token)",
          description: "Juspay's Create Customer, form-encoded or JSON. Unknown fields are ignored.",
          requestBody: customerBodyExamples(
            { ...CREATE_CUSTOMER, [TOKEN_OPTION]: "true" },
            { ...CREATE_CUSTOMER, options: { get_client_auth_token: true } },
          ),
          success: CUSTOMER_SUCCESS,
        },
        getUpiCustomer: {
          summary: "Get a customer (and optionally a client auth token)",
          description:
            "`HEAD` is 405 with `Allow: GET, POST`: with the option a GET mints a token, and HEAD never changes state " +
            "(docs/http.md).",
          parameters: [CUSTOMER_PATH_ID, tokenOptionQuery],
          success: CUSTOMER_SUCCESS,
        },
        updateUpiCustomer: {
          summary: "Update a customer (and optionally get a client auth token)",
          description:
            "Juspay's Update Customer. The fields given replace the stored ones, with creation's validation; " +
            "the others stay. `object_reference_id` may be repeated, not changed (400). Answers the updated " +
            "object, with a client auth token in `juspay` when `options.get_client_auth_token` is true.",
          parameters: [CUSTOMER_PATH_ID, tokenOptionQuery],
          requestBody: customerBodyExamples(
            { email_address: "jane.doe@example.com", mobile_country_code: "91" },
            { first_name: "Janet", options: { get_client_auth_token: true } },
          ),
          success: CUSTOMER_SUCCESS,
        },
      },
    ),
  ],
};
