import * as z from "zod";
import { MAX_REQUEST_KEYS } from "../cpr/admin-request-keys";
import * as cprAdmin from "../cpr/admin-schema";
import {
  createOrgSchema,
  createUserSchema,
  emailParamSchema,
  orgIdParamSchema,
  updateOrgSchema,
  updateUserSchema,
} from "../portal/admin-schema";
import {
  type DocumentedSchema,
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
} from "../shared/openapi";
import { MAX_PEM_LENGTH, MAX_RSA_BITS, MIN_RSA_BITS } from "../shared/public-key";
import {
  createMerchantSchema,
  keyParamSchema,
  merchantParamSchema,
  putKeySchema,
  updateMerchantSchema,
} from "../upi/admin-schema";
import { VPA_ACCOUNTS } from "../upi/openapi";
import { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "../upi/schema";
import { type AdminReason, adminError, renderAdminFault } from "./errors";
import { eventPageSchema, eventsQuerySchema } from "./events-schema";
import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "./limits";
import { appIdParamSchema, createAppSchema, rotateKeySchema, updateAppSchema } from "./schema";
import { SIGNING_KEY_OPERATIONS } from "./signing-keys-openapi";

/**
 * The admin API in the OpenAPI document (docs/admin.md#authentication), under its own tag and bearer scheme.
 */

const TAG = "Admin";
const PREFIX = "/admin/v1";

const { requestKeyParamsSchema, putRequestKeySchema, transactionParamsSchema } = cprAdmin;

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
  too_early: {
    code: "too_early",
    message:
      'The next key may sign from 2026-11-30T10:07:00.000Z (published for 420 s); send "force": true to rotate now',
  },
  precondition_failed: {
    code: "precondition_failed",
    message: "If-Match does not name the tenant's current version; read it again (ETag) and retry",
  },
} as const satisfies ExampleOfEach<AdminReason, "code">;

const timestamps = { createdAt: z.string(), updatedAt: z.string() };
const previousKeyExpiresAt = z
  .string()
  .nullable()
  .describe(
    "During a rotation's grace: when the previous key stops authenticating (docs/admin.md#grace-rotation); else null.",
  );
const appSchema = z.object({
  appId: z.string(),
  appKey: z.string().optional().describe("Only on creation (when generated) and rotation."),
  name: z.string().nullable(),
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: z.number().int(),
  requestKeys: z.array(z.object({ keyId: z.string(), alg: z.string(), createdAt: z.string() })),
  previousKeyExpiresAt,
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
  previousKeyExpiresAt,
  ...timestamps,
});
const customerStateSchema = z
  .object({ merchantId: z.string(), customerId: z.string() })
  .loose()
  .describe(
    "The customer's profile, device binding and linked accounts as the UPI customer object holds them.",
  );

export interface AdminOperation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly params?: z.core.$ZodObject;
  readonly query?: z.core.$ZodObject;
  readonly body?: { schema: DocumentedSchema; example: unknown; optional?: boolean };
  readonly success: { status: number; description: string; schema?: DocumentedSchema };
  readonly errors: readonly (keyof typeof REASONS)[];
  /** The answer is about a tenant: it carries the tenant's `ETag` (docs/admin.md#versions). */
  readonly etag?: boolean;
  /** A change: it accepts `If-Match` and may answer 412 (docs/admin.md#versions). */
  readonly ifMatch?: boolean;
}

const ETAG_HEADER = {
  ETag: {
    description:
      "The tenant's current version, a strong opaque entity tag (RFC 9110 §8.8.3). Send it back in If-Match to change exactly that version.",
    example: '"3f9a0c1d2e4b5a69788796a5b4c3d2e1-4"',
  },
};

const IF_MATCH: ParameterSpec = {
  name: "If-Match",
  in: "header",
  required: false,
  schema: z.string(),
  description:
    "Apply the change only to this version (RFC 9110 §13.1.1): one or more ETags, or `*` for any current version. Stale, weak-only or malformed: 412, nothing changed. A tenant that does not exist is 404 whatever If-Match says (RFC 9110 §13.2.1). Without If-Match, concurrent changes apply one after the other to the latest version.",
  example: '"3f9a0c1d2e4b5a69788796a5b4c3d2e1-4"',
};

const example = (value: unknown): Record<string, Example> => ({ example: { summary: "Example", value } });

function adminOperation(spec: AdminOperation): OperationSpec {
  const parameters: ParameterSpec[] = [
    ...(spec.params ? parametersOf("path", spec.params) : []),
    ...(spec.query ? parametersOf("query", spec.query) : []),
    ...(spec.ifMatch ? [IF_MATCH] : []),
  ];
  const headers = spec.etag ? ETAG_HEADER : undefined;
  const responses: ResponsesSpec = {
    [spec.success.status]: spec.success.schema
      ? {
          description: spec.success.description,
          content: { "application/json": { schema: spec.success.schema } },
          headers,
        }
      : { description: spec.success.description, headers },
    ...errorResponses(adminErrorSchema, {
      ...reasonWires(adminError, REASONS, [
        "unauthorized",
        ...spec.errors,
        ...(spec.ifMatch ? (["precondition_failed"] as const) : []),
      ]),
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
    requestBody: spec.body && {
      ...jsonBody(spec.body.schema, example(spec.body.example)),
      required: !spec.body.optional,
    },
    responses,
  };
}

/** A route addressing one resource refuses a malformed id (400) and an unknown one (404). */
const ADDRESSED: AdminOperation["errors"] = ["invalid_request", "not_found"];

type Body = NonNullable<AdminOperation["body"]>;

/**
 * A resource read, updated and deleted at one path through the same parameters and view, and
 * created by a POST to its parent path (docs/admin.md).
 */
interface Resource {
  /** Completes the operation ids: `createApp`, `getApp`, `updateApp`, `deleteApp`. */
  readonly name: string;
  /** Completes the summaries: `Create a CPR app`, `Read a CPR app`, `Update …`, `Delete …`. */
  readonly noun: string;
  readonly path: string;
  readonly params: z.core.$ZodObject;
  readonly view: DocumentedSchema;
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
          etag: true,
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
      etag: true,
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
      etag: true,
      ifMatch: true,
    },
    {
      ...addressed,
      method: "delete",
      operationId: `delete${resource.name}`,
      summary: remove?.summary ?? `Delete ${resource.noun}`,
      success: { status: 204, description: remove?.success ?? "Deleted." },
      errors: remove?.errors ?? ADDRESSED,
      ifMatch: true,
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
      description:
        "Returns the generated appKey once; an imported `appKey` (16+ characters) is not echoed. " +
        `Limits (docs/admin.md#limits): \`ipAllowlist\` holds at most ${MAX_ALLOWLIST_ENTRIES} entries and \`workflows\` at ` +
        `most ${MAX_WORKFLOWS}; a longer list is a 400 that names the limit. Ids \`.\` and \`..\` are refused.`,
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
    description:
      "With `graceSeconds`, the previous key still authenticates until `previousKeyExpiresAt`; a new rotation ends any earlier grace at once (docs/admin.md#grace-rotation).",
    params: appIdParamSchema,
    body: { schema: rotateKeySchema, example: { graceSeconds: 3600 }, optional: true },
    success: {
      status: 200,
      description: "The new appKey, shown once.",
      schema: z.object({ appId: z.string(), appKey: z.string(), previousKeyExpiresAt }),
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
  {
    method: "put",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "putAppRequestKey",
    summary: "Register a request-signing key (docs/cpr.md#request-signatures)",
    description:
      `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
      `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits for RS256/PS256, P-256 for ES256; a private key is refused. ` +
      `An app holds at most ${MAX_REQUEST_KEYS} request keys (400 beyond).`,
    params: requestKeyParamsSchema,
    body: { schema: putRequestKeySchema, example: { publicKey: PEM, alg: "RS256" } },
    success: {
      status: 201,
      description: "Added (200 when it replaced a key of the same id).",
      schema: z.object({ appId: z.string(), keyId: z.string(), alg: z.string(), createdAt: z.string() }),
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
  {
    method: "delete",
    path: "/apps/{appId}/request-keys/{keyId}",
    operationId: "deleteAppRequestKey",
    summary: "Remove a request-signing key",
    params: requestKeyParamsSchema,
    success: { status: 204, description: "Removed." },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
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
    description: "`If-Match` names the organization's version: the user joins the org's list of users.",
    success: { status: 201, description: "Created (never the password hash).", schema: userSchema },
    errors: ["invalid_request", "not_found", "conflict"],
    etag: true,
    ifMatch: true,
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
    etag: true,
    ifMatch: true,
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
    description:
      "With `graceSeconds`, the previous key still authenticates until `previousKeyExpiresAt`; a new rotation ends any earlier grace at once (docs/admin.md#grace-rotation).",
    params: merchantParamSchema,
    body: { schema: rotateKeySchema, example: { graceSeconds: 3600 }, optional: true },
    success: {
      status: 200,
      description: "The new API key, shown once.",
      schema: z.object({ merchantId: z.string(), apiKey: z.string(), previousKeyExpiresAt }),
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "putMerchantKey",
    summary: "Register a merchant signing key (RSA 2048+)",
    description:
      `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
      `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits; a private key is refused.`,
    params: keyParamSchema,
    body: { schema: putKeySchema, example: { publicKey: PEM } },
    success: {
      status: 201,
      description:
        "Registered (200 when it replaced one). A merchant holds at most 10 active keys (400 beyond).",
      schema: merchantKeySchema,
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "retireMerchantKey",
    summary: "Retire a merchant signing key",
    params: keyParamSchema,
    success: { status: 204, description: "Retired: listed, no longer accepted." },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
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
  {
    method: "post",
    path: "/merchants/{merchantId}/customers/{customerId}/revoke-sessions",
    operationId: "revokeCustomerSessions",
    summary: "End every UPI session of a customer",
    description:
      "Every session token issued to the customer so far stops being live at once (introspection " +
      "answers `active: false`). `/oauth/revoke` with one session token ends that session only.",
    params: customerIdParamSchema,
    success: { status: 204, description: "Every session of the customer ended." },
    errors: ADDRESSED,
  },
  ...SIGNING_KEY_OPERATIONS,
];

/** docs/admin.md#event-log: one event log per tenant id, for each kind of tenant. */
const eventOperations: AdminOperation[] = (
  [
    ["apps", "{appId}", appIdParamSchema, "App", "a CPR app"],
    ["merchants", "{merchantId}", merchantParamSchema, "Merchant", "a UPI merchant"],
    ["orgs", "{id}", orgIdParamSchema, "Org", "a portal organization"],
    ["users", "{email}", emailParamSchema, "PortalUser", "a portal user"],
  ] as const
).map(([collection, id, params, name, noun]) => ({
  method: "get",
  path: `/${collection}/${id}/events`,
  operationId: `list${name}Events`,
  summary: `List the events of ${noun}`,
  description:
    "Newest first: every admin change (`created`, `updated` with `changes`, `key_rotated`, `deleted`, key and user changes, a merchant's `customer_device_bound`, `customer_device_unbound`, `customer_accounts_set`) and the tenant's security events (`transaction_revoked`, `sessions_revoked`, `client_token_revoked`, `token_revoked` (a portal token), `locked_out`, `unlocked`). No secret, hash or full email appears. The log belongs to the id: it survives delete and re-create and is kept 13 months; an id with no events answers an empty list.",
  params,
  query: eventsQuerySchema,
  success: { status: 200, description: "A page of events.", schema: eventPageSchema },
  errors: ["invalid_request"],
  etag: true,
}));

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: [...operations, ...eventOperations].map(adminOperation),
};
