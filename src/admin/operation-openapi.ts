import * as z from "zod";
import type { HttpMethod } from "../shared/contract";
import type { DocumentedSchema } from "../shared/openapi";
import type { AdminReason } from "./errors";
import { rotateKeySchema } from "./schema";

/**
 * What every admin operation of the OpenAPI document is written with (docs/admin.md): the operation
 * shape, the resource pattern and the views two families share. Each family documents its tenant
 * administration beside itself (`src/<family>/admin-openapi.ts`); src/admin/openapi.ts turns the
 * lists into operations with the admin errors and assembles them.
 */

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
  readonly errors: readonly AdminReason["code"][];
  /** The answer is about a tenant: it carries the tenant's `ETag` (docs/admin.md#versions). */
  readonly etag?: boolean;
  /** A change: it accepts `If-Match` and may answer 412 (docs/admin.md#versions). */
  readonly ifMatch?: boolean;
}

/** A route addressing one resource refuses a malformed id (400) and an unknown one (404). */
export const ADDRESSED: AdminOperation["errors"] = ["invalid_request", "not_found"];

type Body = NonNullable<AdminOperation["body"]>;

/**
 * A resource read, updated and deleted at one path through the same parameters and view, and
 * created by a POST to its parent path (docs/admin.md).
 */
export interface Resource {
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

/**
 * A family's part of the admin API: its operations, and its kinds of tenant, each of which has an
 * event log (docs/admin.md#event-log).
 */
export interface AdminFamily {
  readonly operations: readonly AdminOperation[];
  readonly tenants: readonly Resource[];
}

export function resourceOperations(resource: Resource): AdminOperation[] {
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

export const timestamps = { createdAt: z.string(), updatedAt: z.string() };

export const previousKeyExpiresAt = z
  .string()
  .nullable()
  .describe(
    "During a rotation's grace: when the previous key stops authenticating (docs/admin.md#grace-rotation); else null.",
  );

/** A tenant's secret (an app's appKey, a merchant's API key) in its view. */
export const secretShownOnce = z
  .string()
  .optional()
  .describe("Only on creation (when generated) and rotation.");

/**
 * `POST <resource>/rotate-key` for a tenant whose view names it by `id` and its secret `secret`
 * (an app's appKey, a merchant's API key): docs/admin.md#grace-rotation.
 */
export function rotateKeyOperation(
  resource: Resource,
  spec: { operationId: string; summary: string; id: string; secret: string; shown: string },
): AdminOperation {
  return {
    method: "post",
    path: `${resource.path}/rotate-key`,
    operationId: spec.operationId,
    summary: spec.summary,
    description:
      "With `graceSeconds`, the previous key still authenticates until `previousKeyExpiresAt`; a new rotation ends any earlier grace at once (docs/admin.md#grace-rotation).",
    params: resource.params,
    body: { schema: rotateKeySchema, example: { graceSeconds: 3600 }, optional: true },
    success: {
      status: 200,
      description: spec.shown,
      schema: z.object({ [spec.id]: z.string(), [spec.secret]: z.string(), previousKeyExpiresAt }),
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  };
}

/** An SPKI public key's example in a request body. */
export const PEM =
  "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----";
