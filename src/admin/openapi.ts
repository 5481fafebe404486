import * as z from "zod";
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
import { VPA_ACCOUNTS } from "../upi/openapi";
import { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "../upi/schema";
import { type AdminReason, adminError, renderAdminFault } from "./errors";
import {
  createMerchantSchema,
  keyParamSchema,
  merchantParamSchema,
  putKeySchema,
  updateMerchantSchema,
} from "./merchants";
import { createOrgSchema, orgIdParamSchema, updateOrgSchema } from "./orgs";
import { putRequestKeySchema, requestKeyParamsSchema } from "./request-keys";
import { appIdParamSchema, createAppSchema, updateAppSchema } from "./schema";
import { transactionParamsSchema } from "./transactions";
import { createUserSchema, emailParamSchema, updateUserSchema } from "./users";

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
  unauthorized: { code: "unauthorized", cause: "admin_token_missing" },
  invalid_request: {
    code: "invalid_request",
    message: `${badAllowlist.path.join(".")}: ${badAllowlist.message}`,
  },
  not_found: { code: "not_found", message: "No app demo-app" },
  conflict: { code: "conflict", message: "App demo-app already exists" },
} as const satisfies ExampleOfEach<AdminReason, "code">;

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

/** A route addressing one resource refuses a malformed id (400) and an unknown one (404). */
const ADDRESSED: AdminOperation["errors"] = ["invalid_request", "not_found"];

type Body = NonNullable<AdminOperation["body"]>;

/**
 * A resource read, updated and deleted at one path through the same parameters and view, and
 * created by a POST to its parent path (SPEC §7).
 */
interface Resource {
  /** Completes the operation ids: `createApp`, `getApp`, `updateApp`, `deleteApp`. */
  readonly name: string;
  /** Completes the summaries: `Create a CPR app`, `Read a CPR app`, `Update …`, `Delete …`. */
  readonly noun: string;
  readonly path: string;
  readonly params: z.ZodObject;
  readonly view: z.ZodType;
  readonly create?: Pick<AdminOperation, "description" | "errors"> & {
    readonly body: Body;
    readonly created?: string;
  };
  /** What GET answers with, and PATCH once changed. */
  readonly read: string;
  readonly updated: string;
  readonly update: Pick<AdminOperation, "description"> & { readonly body: Body; readonly summary?: string };
  readonly remove?: Partial<Pick<AdminOperation, "summary" | "errors">> & { readonly success?: string };
}

function resourceOperations(resource: Resource): AdminOperation[] {
  const addressed = { path: resource.path, params: resource.params, errors: ADDRESSED };
  const { create, update, remove } = resource;
  const creation: AdminOperation[] = create
    ? [
        {
          method: "post",
          path: resource.path.slice(0, resource.path.lastIndexOf("/")),
          operationId: `create${resource.name}`,
          summary: `Create ${resource.noun}`,
          description: create.description,
          body: create.body,
          success: { status: 201, description: create.created ?? "Created.", schema: resource.view },
          errors: create.errors,
        },
      ]
    : [];
  return [
    ...creation,
    {
      ...addressed,
      method: "get",
      operationId: `get${resource.name}`,
      summary: `Read ${resource.noun}`,
      success: { status: 200, description: resource.read, schema: resource.view },
    },
    {
      ...addressed,
      method: "patch",
      operationId: `update${resource.name}`,
      summary: update.summary ?? `Update ${resource.noun}`,
      description: update.description,
      body: update.body,
      success: { status: 200, description: resource.updated, schema: resource.view },
    },
    {
      ...addressed,
      method: "delete",
      operationId: `delete${resource.name}`,
      summary: remove?.summary ?? `Delete ${resource.noun}`,
      success: { status: 204, description: remove?.success ?? "Deleted." },
      errors: remove?.errors ?? ADDRESSED,
    },
  ];
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
  ...resourceOperations({
    name: "App",
    noun: "a CPR app",
    path: "/apps/{appId}",
    params: appIdParamSchema,
    view: appSchema,
    create: {
      description: "Returns the generated appKey once; an imported `appKey` (16+ characters) is not echoed.",
      body: { schema: createAppSchema, example: APP },
      errors: ["invalid_request", "conflict"],
    },
    read: "The app (never its key).",
    updated: "The updated app.",
    update: { body: { schema: updateAppSchema, example: { workflows: ["demo-workflow", "kyc-v2"] } } },
  }),
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
    errors: ADDRESSED,
  },
  {
    method: "put",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "putAppRequestKey",
    summary: "Register a request-signing key (SPEC §3.1)",
    params: requestKeyParamsSchema,
    body: { schema: putRequestKeySchema, example: { publicKey: PEM, alg: "RS256" } },
    success: {
      status: 201,
      description: "Added (200 when it replaced a key of the same id).",
      schema: z.object({ appId: z.string(), keyId: z.string(), alg: z.string(), createdAt: z.string() }),
    },
    errors: ADDRESSED,
  },
  {
    method: "delete",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "deleteAppRequestKey",
    summary: "Remove a request-signing key",
    params: requestKeyParamsSchema,
    success: { status: 204, description: "Removed." },
    errors: ADDRESSED,
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
    errors: ADDRESSED,
  },
  ...resourceOperations({
    name: "Org",
    noun: "a portal organization",
    path: "/orgs/{id}",
    params: orgIdParamSchema,
    view: orgSchema,
    create: {
      body: { schema: createOrgSchema, example: { name: "Root", product: "na", tokenTtlSeconds: 604800 } },
      created: "Created, with its numeric id.",
      errors: ["invalid_request"],
    },
    read: "The organization.",
    updated: "The updated organization.",
    update: {
      description: "`ipAllowlist: null` lifts the restriction; a list, even empty, restricts.",
      body: { schema: updateOrgSchema, example: { ipAllowlist: ["203.0.113.0/24"] } },
    },
    remove: {
      summary: "Delete a portal organization without users",
      errors: ["invalid_request", "not_found", "conflict"],
    },
  }),
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
  ...resourceOperations({
    name: "PortalUser",
    noun: "a portal user",
    path: "/users/{email}",
    params: emailParamSchema,
    view: userSchema,
    read: "The user.",
    updated: "The updated user.",
    update: {
      summary: "Change a portal user's password or disable it",
      description: "A new password or disabling ends the user's tokens at once.",
      body: { schema: updateUserSchema, example: { disabled: true } },
    },
    remove: { success: "Deleted; the user's tokens end at once." },
  }),
  {
    method: "post",
    path: "/users/{email}/unlock",
    operationId: "unlockPortalUser",
    summary: "Clear a portal user's failed-login lockout",
    params: emailParamSchema,
    success: { status: 204, description: "Unlocked." },
    errors: ADDRESSED,
  },
  ...resourceOperations({
    name: "Merchant",
    noun: "a UPI merchant",
    path: "/merchants/{merchantId}",
    params: merchantParamSchema,
    view: merchantSchema,
    create: {
      description: "Returns the generated apiKey once; an imported `apiKey` (16+ characters) is not echoed.",
      body: {
        schema: createMerchantSchema,
        example: { merchantId: "stock", prefix: "ABC", ipAllowlist: ["127.0.0.1"] },
      },
      errors: ["invalid_request", "conflict"],
    },
    read: "The merchant and its keys (never the API key).",
    updated: "The updated merchant.",
    update: { body: { schema: updateMerchantSchema, example: { signatureMaxAgeSeconds: 600 } } },
    remove: { summary: "Delete a UPI merchant and its keys" },
  }),
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
    errors: ADDRESSED,
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "putMerchantKey",
    summary: "Register a merchant signing key (RSA 2048+)",
    params: keyParamSchema,
    body: { schema: putKeySchema, example: { publicKey: PEM } },
    success: {
      status: 201,
      description: "Registered (200 when it replaced one).",
      schema: merchantKeySchema,
    },
    errors: ADDRESSED,
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "retireMerchantKey",
    summary: "Retire a merchant signing key",
    params: keyParamSchema,
    success: { status: 204, description: "Retired: listed, no longer accepted." },
    errors: ADDRESSED,
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
    errors: ADDRESSED,
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
    errors: ADDRESSED,
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/customers/{customerId}/device",
    operationId: "unbindCustomerDevice",
    summary: "Unbind a UPI customer's device",
    params: customerIdParamSchema,
    success: { status: 204, description: "Unbound." },
    errors: ADDRESSED,
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/customers/{customerId}/vpa-accounts",
    operationId: "setCustomerVpaAccounts",
    summary: "Set a UPI customer's linked accounts",
    params: customerIdParamSchema,
    body: {
      schema: vpaAccountsSchema,
      example: VPA_ACCOUNTS,
    },
    success: { status: 200, description: "The customer's state.", schema: customerStateSchema },
    errors: ADDRESSED,
  },
];

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: operations.map(adminOperation),
};
