import { cprAdminOperations } from "../cpr/admin-openapi";
import { portalAdminOperations } from "../portal/admin-openapi";
import {
  errorResponses,
  faultWires,
  jsonBody,
  type OperationGroup,
  type OperationSpec,
  type ParameterSpec,
  parametersOf,
  type ResponsesSpec,
  reasonWires,
} from "../shared/openapi";
import { upiAdminOperations } from "../upi/admin-openapi";
import { eventsContract } from "./contract";
import { adminError, renderAdminFault } from "./errors";
import * as eventSchemas from "./events-schema";
import {
  type AdminOperation,
  adminErrorSchema,
  documentAdminRoutes,
  ETAG_HEADER,
  example,
  IF_MATCH,
  REASONS,
} from "./operation-openapi";
import { SIGNING_KEY_OPERATIONS } from "./signing-keys-openapi";

/**
 * The admin API in the OpenAPI document (docs/admin.md#authentication), under its own tag and bearer
 * scheme: each family's tenant administration (`src/<family>/admin-openapi.ts`), the signing keys and
 * every tenant's event log, from their contracts with the admin errors, ETag and If-Match.
 */

const PREFIX = "/admin/v1";

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
    tag: "Admin",
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
const eventsProse = (noun: string) => ({
  summary: `List the events of ${noun}`,
  description:
    "Newest first: every admin change (`created`, `updated` with `changes`, `key_rotated`, `deleted`, key and user changes, a merchant's `customer_device_bound`, `customer_device_unbound`, `customer_accounts_set`) and the tenant's security events (`transaction_revoked`, `sessions_revoked`, `client_token_revoked`, `token_revoked` (a portal token), `locked_out`, `unlocked`). No secret, hash or full email appears. The log belongs to the id: it survives delete and re-create and is kept 13 months; an id with no events answers an empty list.",
  success: { description: "A page of events." },
});

export const adminApi: OperationGroup = {
  schemas: { AdminError: adminErrorSchema },
  operations: [
    ...cprAdminOperations,
    ...portalAdminOperations,
    ...upiAdminOperations,
    ...SIGNING_KEY_OPERATIONS.map(adminOperation),
    ...documentAdminRoutes(eventsContract, eventSchemas, {
      listAppEvents: eventsProse("a CPR app"),
      listMerchantEvents: eventsProse("a UPI merchant"),
      listOrgEvents: eventsProse("a portal organization"),
      listPortalUserEvents: eventsProse("a portal user"),
    }),
  ],
};
