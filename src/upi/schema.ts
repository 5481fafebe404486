import { idSchema } from "../shared/id-schema";
import { ID_PATTERN, isPathSegmentSafe } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";
import * as z from "../shared/zod";
import { PROCESS_ACTIONS, type ProcessAction, SERVICE } from "./envelope";
import { invalidInput, missingParameter, type ProcessReason } from "./errors";

const ID_MESSAGE = "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -";
// docs/admin.md#ids: an id a URL path cannot carry back; the customer could never be read or changed again.
const PATH_SEGMENT_MESSAGE = 'must not be "." or ".."';

const idField = (field: string) =>
  z.string({ error: `${field} must be a string` }).check(z.regex(ID_PATTERN, `${field} ${ID_MESSAGE}`));
const nonEmptyText = (field: string, max: number, about: string, typeError = `${field} must be a string`) =>
  z
    .string({ error: typeError })
    .check(
      z.minLength(1, `${field} must not be empty`),
      z.maxLength(max, `${field} is too long`),
      z.describe(about),
    );

// Seed 000: "Unique uuid-v4 string". Any 8-4-4-4-12 hex form is taken, as SDK-generated ids vary in version.
export const envelopeSchema = z.object({
  requestId: z.guid({ error: "requestId must be a UUID" }).check(z.describe("A UUID (8-4-4-4-12 hex).")),
  // A string first, so a missing or mistyped service is told apart from a wrong one; `const` for the document.
  service: z.string({ error: "service must be a string" }).check(
    z.refine((service) => service === SERVICE, `service must be ${SERVICE}`),
    z.meta({ const: SERVICE }),
  ),
  payload: z.looseObject(
    { action: z.string({ error: "payload.action must be a string" }) },
    { error: "payload must be a JSON object" },
  ),
});

const commonFields = {
  // Seed 000: "As passed in request"; echoed untouched.
  otherInfo: z.optional(z.unknown()).check(z.describe("Echoed in the answer.")),
};

export const signatureGroupSchema = z.object({
  merchantKeyId: idField("payload.merchantKeyId").check(
    z.describe("Key registered for merchant_id through the admin API."),
  ),
  signature: nonEmptyText("payload.signature", 4096, "Base64 (standard or URL-safe) RSA-SHA256 PKCS#1 v1.5."),
  signaturePayload: nonEmptyText(
    "payload.signaturePayload",
    8192,
    "JSON text with merchant_id, customer_id, timestamp (ms) and optional customer_mobile_number; signed byte for byte.",
    "payload.signaturePayload must be a string holding a JSON object",
  ),
  // docs/upi.md#signature-mode: the unsigned copy is accepted for compatibility, never used.
  customerMobileNumber: z
    .optional(z.string({ error: "payload.customerMobileNumber must be a string" }).check(z.maxLength(32)))
    .check(z.describe("Accepted and ignored: only the signed number counts.")),
  ...commonFields,
});

export const clientTokenGroupSchema = z.object({
  merchantId: idField("payload.merchantId"),
  customerId: idField("payload.customerId"),
  clientAuthToken: nonEmptyText(
    "payload.clientAuthToken",
    256,
    "From the Customer API; 15 minutes, limited uses.",
  ),
  // Seed 000: informational (the token's own server-side expiry decides); must be a date when sent.
  authExpiry: z
    .optional(
      z
        .string({ error: "payload.authExpiry must be a string" })
        .check(
          z.refine((text) => !Number.isNaN(Date.parse(text)), "payload.authExpiry must be an ISO-8601 date"),
        ),
    )
    .check(z.describe("Informational ISO-8601 date.")),
  ...commonFields,
});

const SIGNATURE_FIELDS = ["merchantKeyId", "signature", "signaturePayload"] as const;
const CLIENT_TOKEN_FIELDS = ["merchantId", "customerId", "clientAuthToken"] as const;

export type SignatureAuth = z.infer<typeof signatureGroupSchema>;
export type ClientTokenAuth = z.infer<typeof clientTokenGroupSchema>;

export type ProcessRequest = { readonly requestId: string; readonly action: ProcessAction } & (
  | { readonly mode: "signature"; readonly auth: SignatureAuth }
  | { readonly mode: "client_auth_token"; readonly auth: ClientTokenAuth }
);

/** A missing field is MISSING_MANDATORY_PARAMETER; anything else present but wrong is INVALID_INPUT. */
function reasonFor(issue: z.core.$ZodIssue, prefix: string): ProcessReason {
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
  return issue.code === "invalid_type" && issue.input === undefined
    ? { code: "missing_parameter", field }
    : { code: "invalid_input", message: issue.message };
}

function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown, prefix = ""): Result<T, ProcessReason> {
  const result = schema.safeParse(input, { reportInput: true });
  return result.success ? ok(result.data) : fail(reasonFor(result.error.issues[0]!, prefix));
}

/**
 * In the order of docs/upi.md#envelope: envelope, action, then one authentication group. `body` is
 * `undefined` when the request carried no JSON, which reads as "requestId is required".
 */
export function parseProcessRequest(body: unknown): Result<ProcessRequest, ProcessReason> {
  if (body !== undefined && (typeof body !== "object" || body === null || Array.isArray(body))) {
    return invalidInput("Request body must be a JSON object");
  }
  const envelope = parseWith(envelopeSchema, body ?? {});
  if (!envelope.ok) return envelope;
  const { requestId, payload } = envelope.value;
  const action = PROCESS_ACTIONS.find((known) => known === payload.action);
  if (action === undefined) return fail({ code: "unsupported_action" });
  const fields = payload as Record<string, unknown>;
  const signed = SIGNATURE_FIELDS.some((name) => fields[name] !== undefined);
  const tokened = CLIENT_TOKEN_FIELDS.some((name) => fields[name] !== undefined);
  if (signed && tokened) {
    return invalidInput("payload must carry either the signature fields or clientAuthToken, not both");
  }
  if (!signed && !tokened) return missingParameter("payload.signaturePayload or payload.clientAuthToken");
  if (signed) {
    const auth = parseWith<SignatureAuth>(signatureGroupSchema, payload, "payload");
    return auth.ok ? ok({ requestId, action, mode: "signature", auth: auth.value }) : auth;
  }
  const auth = parseWith<ClientTokenAuth>(clientTokenGroupSchema, payload, "payload");
  return auth.ok ? ok({ requestId, action, mode: "client_auth_token", auth: auth.value }) : auth;
}

const actionSchema = z.enum(PROCESS_ACTIONS);

/**
 * The process body as the document shows it; its refinement is the route's own parser, so the document's
 * examples are checked against the real thing.
 */
export const processRequestSchema = z
  .object({
    ...envelopeSchema.shape,
    payload: z.union([
      z
        .object({ ...signatureGroupSchema.shape, action: actionSchema })
        .check(z.meta({ title: "Signature mode" })),
      z
        .object({ ...clientTokenGroupSchema.shape, action: actionSchema })
        .check(z.meta({ title: "Client-auth-token mode" })),
    ]),
  })
  .check(
    z.superRefine((body, ctx) => {
      const parsed = parseProcessRequest(body);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: JSON.stringify(parsed.reason) });
    }),
  );

/** One linked bank account, with the seed's field names; every value is a string on the wire (seed 000). */
const asText = (text: z.ZodMiniType<string>, value: z.ZodMiniType<boolean | number>) =>
  z.union([
    text,
    z.pipe(
      value,
      z.transform((input) => String(input)),
    ),
  ]);
const booleanText = asText(z.enum(["true", "false"]), z.boolean());
const digitsText = asText(
  z.string().check(z.regex(/^[0-9]{1,2}$/, "must be 1-2 digits")),
  z.number().check(z.int(), z.gte(0), z.lte(99)),
);
const text = z.string().check(z.maxLength(256));

export const bankAccountSchema = z.strictObject({
  bankCode: text,
  bankName: text,
  maskedAccountNumber: text,
  mpinLength: digitsText,
  mpinSet: booleanText,
  referenceId: text,
  otpLength: digitsText,
  atmPinLength: digitsText,
  type: text,
  branchName: text,
  bankAccountUniqueId: text,
  ifsc: text,
  isPrimary: booleanText,
  name: text,
  isInitialTopUpDone: z.optional(asText(z.enum(["true", "topup_txn_pending"]), z.literal(true))),
});

export const vpaAccountsSchema = z
  .array(
    z.strictObject({
      vpa: z
        .string()
        .check(z.regex(/^[A-Za-z0-9._-]{1,256}@[A-Za-z0-9.-]{1,64}$/, "must be a UPI id such as name@bank")),
      accounts: z.array(bankAccountSchema).check(z.minLength(1), z.maxLength(20)),
    }),
  )
  .check(z.maxLength(20));
export type VpaAccounts = z.output<typeof vpaAccountsSchema>;

/** Admin input for a device binding (docs/admin.md#input-validation). */
export const deviceBindingSchema = z.strictObject({
  deviceFingerPrint: z.string().check(z.minLength(1), z.maxLength(512)),
  mobileNumber: z.string().check(z.maxLength(32)),
  activated: z.boolean(),
});

export const customerIdParamSchema = z.object({
  merchantId: idSchema,
  customerId: idSchema.check(z.refine(isPathSegmentSafe, PATH_SEGMENT_MESSAGE)),
});

const personName = z
  .string({ error: "must be a string" })
  .check(z.minLength(1, "must not be empty"), z.maxLength(256, "must be at most 256 characters"));

/** Juspay's "Create Customer" fields (form or JSON, `options.*` flattened); unknown fields are ignored. */
export const createCustomerSchema = z.object({
  object_reference_id: z
    .string({ error: "must be a string" })
    .check(z.regex(ID_PATTERN, ID_MESSAGE), z.refine(isPathSegmentSafe, PATH_SEGMENT_MESSAGE)),
  mobile_number: z.optional(
    z.string({ error: "must be a string" }).check(z.regex(/^\+?[0-9]{4,15}$/, "must be 4-15 digits")),
  ),
  email_address: z.optional(
    z
      .string({ error: "must be a string" })
      .check(z.maxLength(256), z.regex(/^[^\s@]+@[^\s@]+\.[A-Za-z]{2,}$/, "must be a valid email address")),
  ),
  first_name: z.optional(personName),
  last_name: z.optional(personName),
  // docs/upi.md#customer-api: "91" when never given; a leading `+` is accepted and not kept.
  mobile_country_code: z.optional(
    z.pipe(
      z.string({ error: "must be a string" }).check(z.regex(/^\+?[0-9]{1,4}$/, "must be 1-4 digits")),
      z.transform((code) => code.replace(/^\+/, "")),
    ),
  ),
});

/** Juspay's "Update Customer" fields; the route refuses a changed `object_reference_id`. */
export const updateCustomerSchema = z.partial(createCustomerSchema);

/** `options.get_client_auth_token` in each form Juspay's SDKs send (docs/upi.md#customer-api). */
export const clientTokenOptionSchema = z.optional(
  z.pipe(
    z.union(
      [
        z.boolean(),
        z.literal(1),
        z.literal(0),
        z.string().check(z.regex(/^(?:true|false|1|0)$/i, "must be true or false")),
      ],
      { error: "must be true or false" },
    ),
    z.transform(
      (flag) => flag === true || flag === 1 || (typeof flag === "string" && /^(?:true|1)$/i.test(flag)),
    ),
  ),
);

/** The Customer API's form fields, with the token option dotted as Juspay's SDKs send it. */
const formOf = <Shape extends z.core.$ZodShape>(shape: Shape) =>
  z.object({ ...shape, "options.get_client_auth_token": clientTokenOptionSchema });
/** The same as JSON, the option nested (docs/upi.md#customer-api). */
const jsonOf = <Shape extends z.core.$ZodShape>(shape: Shape) =>
  z.object({ ...shape, options: z.optional(z.object({ get_client_auth_token: clientTokenOptionSchema })) });
export const createCustomerFormSchema = formOf(createCustomerSchema.shape);
export const createCustomerJsonSchema = jsonOf(createCustomerSchema.shape);
export const updateCustomerFormSchema = formOf(updateCustomerSchema.shape);
export const updateCustomerJsonSchema = jsonOf(updateCustomerSchema.shape);

/** Juspay's customer object, as every Customer API success answers it (`customerBody`). */
export const customerSchema = z.object({
  id: z.string(),
  object: z.literal("customer"),
  object_reference_id: z.string(),
  mobile_number: z.nullable(z.string()),
  email_address: z.nullable(z.string()),
  first_name: z.nullable(z.string()),
  last_name: z.nullable(z.string()),
  mobile_country_code: z.string().check(z.describe('Digits without "+"; "91" unless given.')),
  date_created: z.string(),
  last_updated: z.string(),
  juspay: z
    .optional(z.object({ client_auth_token: z.string(), client_auth_token_expiry: z.string() }))
    .check(z.describe("Only with options.get_client_auth_token=true.")),
});

const stringFlag = z.enum(["true", "false"]);

/** A stored account as an answer shows it: every field of the admin schema's, as a string (seed 000). */
const bankAccountAnswerSchema = z.object(
  Object.fromEntries(
    Object.entries(bankAccountSchema.shape).map(([name, field]) => [
      name,
      field.safeParse(undefined).success ? z.optional(z.string()) : z.string(),
    ]),
  ),
) as unknown as z.ZodMiniType<{ [Field in keyof z.output<typeof bankAccountSchema>]: string }>;

/** A session token and the customer's state, in the seed's answer envelope (seed 000's success). */
export const processSuccessSchema = z.object({
  requestId: z.string(),
  service: z.literal(SERVICE),
  payload: z.object({
    action: actionSchema,
    status: z.enum(["FRESH", "BOUND", "LINKED"]),
    isDeviceBound: stringFlag,
    isDeviceActivated: stringFlag,
    prefix: z.string(),
    vpaAccounts: z
      .optional(z.array(z.object({ vpa: z.string(), accounts: z.array(bankAccountAnswerSchema) })))
      .check(z.describe("Only when LINKED.")),
    customerMobileNumber: z
      .string()
      .check(z.describe("First 2 and last 4 digits, `X` between; empty when not bound.")),
    deviceFingerPrint: z.string(),
    otherInfo: z.optional(z.unknown()),
    sessionToken: z.string().check(z.describe("JWT for this merchant, customer and device, 15 minutes.")),
    sessionTokenExpiry: z.string(),
  }),
  error: z.boolean(),
  errorMessage: z.string(),
  errorCode: z.string(),
  event: z.literal("process_result"),
});
