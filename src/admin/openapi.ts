import * as z from "zod";
import { CPR_ADMIN } from "../cpr/admin-openapi";
import { PORTAL_ADMIN } from "../portal/admin-openapi";
import {
  type Example,
  type ExampleOfEach,
  errorResponses,
  faultWires,
  firstIssue,
  jsonBody,
  type OperationGroup,
  type OperationSpec,
  type ParameterSpec,
  parametersOf,
  type ResponsesSpec,
  reasonWires,
} from "../shared/openapi";
import { UPI_ADMIN } from "../upi/admin-openapi";
import { type AdminReason, adminError, renderAdminFault } from "./errors";
import { eventPageSchema, eventsQuerySchema } from "./events-schema";
import type { AdminOperation, Resource } from "./operation-openapi";
import { createAppSchema } from "./schema";
import { SIGNING_KEY_OPERATIONS } from "./signing-keys-openapi";

/**
 * The admin API in the OpenAPI document (docs/admin.md#authentication), under its own tag and bearer
 * scheme: each family's tenant administration (`src/<family>/admin-openapi.ts`), the signing keys and
 * every tenant's event log, with the admin errors, ETag and If-Match added here.
 */

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

/** docs/admin.md#event-log: one event log per tenant id, for each kind of tenant. */
function eventOperation(tenant: Resource): AdminOperation {
  return {
    method: "get",
    path: `${tenant.path}/events`,
    operationId: `list${tenant.name}Events`,
    summary: `List the events of ${tenant.noun}`,
    description:
      "Newest first: every admin change (`created`, `updated` with `changes`, `key_rotated`, `deleted`, key and user changes, a merchant's `customer_device_bound`, `customer_device_unbound`, `customer_accounts_set`) and the tenant's security events (`transaction_revoked`, `sessions_revoked`, `client_token_revoked`, `token_revoked` (a portal token), `locked_out`, `unlocked`). No secret, hash or full email appears. The log belongs to the id: it survives delete and re-create and is kept 13 months; an id with no events answers an empty list.",
    params: tenant.params,
    query: eventsQuerySchema,
    success: { status: 200, description: "A page of events.", schema: eventPageSchema },
    errors: ["invalid_request"],
    etag: true,
  };
}

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: [
    ...CPR_ADMIN.operations,
    ...PORTAL_ADMIN.operations,
    ...UPI_ADMIN.operations,
    ...SIGNING_KEY_OPERATIONS,
    // The event logs last, apps and merchants before the portal's orgs and users.
    ...[...CPR_ADMIN.tenants, ...UPI_ADMIN.tenants, ...PORTAL_ADMIN.tenants].map(eventOperation),
  ].map(adminOperation),
};
