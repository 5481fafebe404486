import { z } from "zod";
import {
  type Example,
  type ExampleOfEach,
  errorResponses,
  faultWires,
  firstIssue,
  type HttpMethod,
  jsonBody,
  type OperationGroup,
  type OperationSpec,
  type ParameterSpec,
  parametersOf,
  type ResponsesSpec,
  reasonWires,
} from "../openapi/operation";
import { passwordSchema } from "../portal/schema";
import { idSchema } from "../shared/ids";
import { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "../upi/schema";
import { type AdminReason, adminError, renderAdminFault } from "./errors";
import { createOrgSchema, orgIdParamSchema, updateOrgSchema } from "./orgs";
import { putRequestKeySchema } from "./request-keys";
import {
  appIdParamSchema,
  createAppSchema,
  importedSecretSchema,
  ipAllowlistSchema,
  updateAppSchema,
} from "./schema";

/** The admin API in the OpenAPI document (SPEC §7), under its own tag and bearer scheme. */

const TAG = "Admin";
const PREFIX = "/admin/v1";

const adminErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ description: 'Admin error envelope: `{"error":{"code","message"}}`.' });

const badAllowlist = firstIssue(createAppSchema, {
  appId: "demo-app",
  ipAllowlist: ["10.0.0.5/24"],
  workflows: [],
});

const REASONS = {
  unauthorized: { code: "unauthorized" },
  invalid_request: {
    code: "invalid_request",
    message: `${badAllowlist.path.join(".")}: ${badAllowlist.message}`,
  },
  not_found: { code: "not_found", message: "No app demo-app" },
  conflict: { code: "conflict", message: "App demo-app already exists" },
} as const satisfies ExampleOfEach<AdminReason, "code">;

// Schemas `admin/users.ts`, `admin/merchants.ts`, `admin/request-keys.ts` and `admin/transactions.ts`
// keep private, described here from the exported parts they are built of.
const keyIdParamsSchema = z.object({ appId: idSchema, keyId: idSchema });
const transactionParamsSchema = z.object({ appId: idSchema, transactionId: z.string().min(1).max(256) });
const emailParamSchema = z.object({
  email: z.string().describe("The user's email (canonicalised: trimmed, lowercased)."),
});
const createUserSchema = z.strictObject({ email: z.string(), password: passwordSchema });
const updateUserSchema = z.strictObject({ password: passwordSchema, disabled: z.boolean() }).partial();
const merchantSettings = {
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9]{0,16}$/)
    .optional(),
  signatureMaxAgeSeconds: z.number().int().min(30).max(3600).optional(),
  clientAuthTokenMaxUses: z.number().int().min(1).max(1000).optional(),
};
const createMerchantSchema = z.strictObject({
  merchantId: idSchema,
  apiKey: importedSecretSchema.optional(),
  ...merchantSettings,
  ipAllowlist: ipAllowlistSchema.optional(),
});
const updateMerchantSchema = z.strictObject({
  ...merchantSettings,
  ipAllowlist: ipAllowlistSchema.nullable().optional(),
});
const merchantParamSchema = z.object({ merchantId: idSchema });
const merchantKeyParamsSchema = z.object({ merchantId: idSchema, merchantKeyId: idSchema });
const putMerchantKeySchema = z.strictObject({
  publicKey: z.string().max(16_384).describe("SPKI PEM, RSA 2048+."),
});

const timestamps = { createdAt: z.string(), updatedAt: z.string() };
const appSchema = z.object({
  appId: z.string(),
  appKey: z.string().optional().describe("Only on creation (when generated) and rotation."),
  name: z.string().nullable(),
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: z.number().int(),
  requestKeys: z.array(z.object({ keyId: z.string(), alg: z.string(), createdAt: z.string() })),
  ...timestamps,
});
const orgSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    tokenTtlSeconds: z.number().int(),
    ipAllowlist: z.array(z.string()).nullable(),
  })
  .loose()
  .describe("The seed 001 organization plus tokenTtlSeconds and ipAllowlist.");
const userSchema = z.object({
  email: z.string(),
  organizationId: z.number().int(),
  disabled: z.boolean(),
  ...timestamps,
});
const merchantKeySchema = z.object({
  merchantKeyId: z.string(),
  status: z.enum(["active", "retired"]),
  modulusBits: z.number().int(),
  ...timestamps,
});
const merchantSchema = z.object({
  merchantId: z.string(),
  apiKey: z.string().optional().describe("Only on creation (when generated) and rotation."),
  prefix: z.string(),
  signatureMaxAgeSeconds: z.number().int(),
  clientAuthTokenMaxUses: z.number().int(),
  ipAllowlist: z.array(z.string()).nullable(),
  keys: z.array(merchantKeySchema),
  ...timestamps,
});
const customerStateSchema = z
  .object({ merchantId: z.string(), customerId: z.string() })
  .loose()
  .describe(
    "The customer's profile, device binding and linked accounts as the UPI customer object holds them.",
  );

interface AdminOperation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.ZodObject;
  readonly body?: { schema: z.ZodType; example: unknown };
  readonly success: { status: number; description: string; schema?: z.ZodType };
  readonly errors: readonly (keyof typeof REASONS)[];
}

const example = (value: unknown): Record<string, Example> => ({ example: { summary: "Example", value } });

function adminOperation(spec: AdminOperation): OperationSpec {
  const parameters: ParameterSpec[] = spec.params ? parametersOf("path", spec.params) : [];
  const responses: ResponsesSpec = {
    [spec.success.status]: spec.success.schema
      ? {
          description: spec.success.description,
          content: { "application/json": { schema: spec.success.schema } },
        }
      : { description: spec.success.description },
    ...errorResponses(adminErrorSchema, {
      ...reasonWires(adminError, REASONS, ["unauthorized", ...spec.errors]),
      ...faultWires(renderAdminFault, spec.body ? undefined : ["internal", "unavailable"]),
    }),
  };
  return {
    method: spec.method,
    path: `${PREFIX}${spec.path}`,
    operationId: spec.operationId,
    tag: TAG,
    summary: spec.summary,
    description: spec.description,
    security: [["adminToken"]],
    parameters,
    requestBody: spec.body && jsonBody(spec.body.schema, example(spec.body.example)),
    responses,
  };
}

const APP = {
  appId: "demo-app",
  name: "Demo CPR app",
  ipAllowlist: ["127.0.0.1", "::1"],
  workflows: ["demo-workflow"],
};
const PEM =
  "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----";

const operations: AdminOperation[] = [
  {
    method: "post",
    path: "/apps",
    operationId: "createApp",
    summary: "Create a CPR app",
    description: "Returns the generated appKey once; an imported `appKey` (16+ characters) is not echoed.",
    body: { schema: createAppSchema, example: APP },
    success: { status: 201, description: "Created.", schema: appSchema },
    errors: ["invalid_request", "conflict"],
  },
  {
    method: "get",
    path: "/apps/{appId}",
    operationId: "getApp",
    summary: "Read a CPR app",
    params: appIdParamSchema,
    success: { status: 200, description: "The app (never its key).", schema: appSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "patch",
    path: "/apps/{appId}",
    operationId: "updateApp",
    summary: "Update a CPR app",
    params: appIdParamSchema,
    body: { schema: updateAppSchema, example: { workflows: ["demo-workflow", "kyc-v2"] } },
    success: { status: 200, description: "The updated app.", schema: appSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/apps/{appId}",
    operationId: "deleteApp",
    summary: "Delete a CPR app",
    params: appIdParamSchema,
    success: { status: 204, description: "Deleted." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/apps/{appId}/rotate-key",
    operationId: "rotateAppKey",
    summary: "Rotate an app's appKey",
    params: appIdParamSchema,
    success: {
      status: 200,
      description: "The new appKey, shown once.",
      schema: z.object({ appId: z.string(), appKey: z.string() }),
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "put",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "putAppRequestKey",
    summary: "Register a request-signing key (SPEC §3.1)",
    params: keyIdParamsSchema,
    body: { schema: putRequestKeySchema, example: { publicKey: PEM, alg: "RS256" } },
    success: {
      status: 201,
      description: "Added (200 when it replaced a key of the same id).",
      schema: z.object({ appId: z.string(), keyId: z.string(), alg: z.string(), createdAt: z.string() }),
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "deleteAppRequestKey",
    summary: "Remove a request-signing key",
    params: keyIdParamsSchema,
    success: { status: 204, description: "Removed." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/apps/{appId}/transactions/{transactionId}/revoke",
    operationId: "revokeTransaction",
    summary: "Revoke every token of a CPR transaction",
    params: transactionParamsSchema,
    success: {
      status: 200,
      description: "The transaction's new revocation epoch.",
      schema: z.object({ appId: z.string(), transactionId: z.string(), revocationEpoch: z.number().int() }),
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/orgs",
    operationId: "createOrg",
    summary: "Create a portal organization",
    body: { schema: createOrgSchema, example: { name: "Root", product: "na", tokenTtlSeconds: 604800 } },
    success: { status: 201, description: "Created, with its numeric id.", schema: orgSchema },
    errors: ["invalid_request"],
  },
  {
    method: "get",
    path: "/orgs/{id}",
    operationId: "getOrg",
    summary: "Read a portal organization",
    params: orgIdParamSchema,
    success: { status: 200, description: "The organization.", schema: orgSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "patch",
    path: "/orgs/{id}",
    operationId: "updateOrg",
    summary: "Update a portal organization",
    description: "`ipAllowlist: null` lifts the restriction; a list, even empty, restricts.",
    params: orgIdParamSchema,
    body: { schema: updateOrgSchema, example: { ipAllowlist: ["203.0.113.0/24"] } },
    success: { status: 200, description: "The updated organization.", schema: orgSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/orgs/{id}",
    operationId: "deleteOrg",
    summary: "Delete a portal organization without users",
    params: orgIdParamSchema,
    success: { status: 204, description: "Deleted." },
    errors: ["invalid_request", "not_found", "conflict"],
  },
  {
    method: "post",
    path: "/orgs/{id}/users",
    operationId: "createPortalUser",
    summary: "Create a portal user in an organization",
    params: orgIdParamSchema,
    body: { schema: createUserSchema, example: { email: "jane@example.com", password: "Payu@1234" } },
    success: { status: 201, description: "Created (never the password hash).", schema: userSchema },
    errors: ["invalid_request", "not_found", "conflict"],
  },
  {
    method: "get",
    path: "/users/{email}",
    operationId: "getPortalUser",
    summary: "Read a portal user",
    params: emailParamSchema,
    success: { status: 200, description: "The user.", schema: userSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "patch",
    path: "/users/{email}",
    operationId: "updatePortalUser",
    summary: "Change a portal user's password or disable it",
    description: "A new password or disabling ends the user's tokens at once.",
    params: emailParamSchema,
    body: { schema: updateUserSchema, example: { disabled: true } },
    success: { status: 200, description: "The updated user.", schema: userSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/users/{email}",
    operationId: "deletePortalUser",
    summary: "Delete a portal user",
    params: emailParamSchema,
    success: { status: 204, description: "Deleted; the user's tokens end at once." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/users/{email}/unlock",
    operationId: "unlockPortalUser",
    summary: "Clear a portal user's failed-login lockout",
    params: emailParamSchema,
    success: { status: 204, description: "Unlocked." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/merchants",
    operationId: "createMerchant",
    summary: "Create a UPI merchant",
    description: "Returns the generated apiKey once; an imported `apiKey` (16+ characters) is not echoed.",
    body: {
      schema: createMerchantSchema,
      example: { merchantId: "stock", prefix: "ABC", ipAllowlist: ["127.0.0.1"] },
    },
    success: { status: 201, description: "Created.", schema: merchantSchema },
    errors: ["invalid_request", "conflict"],
  },
  {
    method: "get",
    path: "/merchants/{merchantId}",
    operationId: "getMerchant",
    summary: "Read a UPI merchant",
    params: merchantParamSchema,
    success: {
      status: 200,
      description: "The merchant and its keys (never the API key).",
      schema: merchantSchema,
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "patch",
    path: "/merchants/{merchantId}",
    operationId: "updateMerchant",
    summary: "Update a UPI merchant",
    params: merchantParamSchema,
    body: { schema: updateMerchantSchema, example: { signatureMaxAgeSeconds: 600 } },
    success: { status: 200, description: "The updated merchant.", schema: merchantSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}",
    operationId: "deleteMerchant",
    summary: "Delete a UPI merchant and its keys",
    params: merchantParamSchema,
    success: { status: 204, description: "Deleted." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "post",
    path: "/merchants/{merchantId}/rotate-key",
    operationId: "rotateMerchantApiKey",
    summary: "Rotate a merchant's API key",
    params: merchantParamSchema,
    success: {
      status: 200,
      description: "The new API key, shown once.",
      schema: z.object({ merchantId: z.string(), apiKey: z.string() }),
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "putMerchantKey",
    summary: "Register a merchant signing key (RSA 2048+)",
    params: merchantKeyParamsSchema,
    body: { schema: putMerchantKeySchema, example: { publicKey: PEM } },
    success: {
      status: 201,
      description: "Registered (200 when it replaced one).",
      schema: merchantKeySchema,
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "retireMerchantKey",
    summary: "Retire a merchant signing key",
    params: merchantKeyParamsSchema,
    success: { status: 204, description: "Retired: listed, no longer accepted." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "get",
    path: "/merchants/{merchantId}/customers/{customerId}",
    operationId: "getCustomerState",
    summary: "Read a UPI customer's state",
    params: customerIdParamSchema,
    success: {
      status: 200,
      description: "Profile, device binding and accounts.",
      schema: customerStateSchema,
    },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/customers/{customerId}/device",
    operationId: "bindCustomerDevice",
    summary: "Bind a UPI customer's device",
    params: customerIdParamSchema,
    body: {
      schema: deviceBindingSchema,
      example: { deviceFingerPrint: "fp-1", mobileNumber: "919876543210", activated: true },
    },
    success: { status: 200, description: "The customer's state.", schema: customerStateSchema },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/customers/{customerId}/device",
    operationId: "unbindCustomerDevice",
    summary: "Unbind a UPI customer's device",
    params: customerIdParamSchema,
    success: { status: 204, description: "Unbound." },
    errors: ["invalid_request", "not_found"],
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/customers/{customerId}/vpa-accounts",
    operationId: "setCustomerVpaAccounts",
    summary: "Set a UPI customer's linked accounts",
    params: customerIdParamSchema,
    body: {
      schema: vpaAccountsSchema,
      example: [
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
      ],
    },
    success: { status: 200, description: "The customer's state.", schema: customerStateSchema },
    errors: ["invalid_request", "not_found"],
  },
];

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: operations.map(adminOperation),
};
