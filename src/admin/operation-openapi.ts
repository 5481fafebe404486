import * as z from "zod";
import type { Contract } from "../shared/contract";
import {
  documentRoutes,
  type Example,
  type ExampleOfEach,
  faultWires,
  firstIssue,
  type OperationProse,
  type OperationSpec,
  type ParameterSpec,
  reasonWires,
} from "../shared/openapi";
import { type AdminReason, adminError, renderAdminFault } from "./errors";
import { createAppSchema } from "./schema";
import { STALE_VERSION } from "./versions";

// What every admin operation of the document is written with (docs/admin.md); each family's
// `admin-openapi.ts` uses it, src/admin/openapi.ts assembles them.

export const adminErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ description: 'Admin error envelope: `{"error":{"code","message"}}`.' });

const badApp = { appId: "demo-app", ipAllowlist: ["10.0.0.5/24"], workflows: [] };
const badAllowlist = firstIssue(createAppSchema, badApp);

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
  precondition_failed: { code: "precondition_failed", message: STALE_VERSION },
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

/** A request body's one example. */
export const example = (value: unknown): Record<string, Example> => ({
  example: { summary: "Example", value },
});

// An admin contract's operations: 401 everywhere, the declared reasons, the faults (only 500 and 503
// without a JSON body), `ETag` and `If-Match` where marked (docs/admin.md#versions).
export function documentAdminRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  schemas: Schemas,
  prose: { readonly [Id in keyof Routes]: OperationProse },
): OperationSpec[] {
  const versioned = Object.fromEntries(
    Object.entries(routes).map(([operationId, route]): [string, OperationProse] => {
      const text: OperationProse = prose[operationId]!;
      const parameters = [...(text.parameters ?? []), ...(route.ifMatch ? [IF_MATCH] : [])];
      const headers = route.etag ? { ...text.success.headers, ...ETAG_HEADER } : text.success.headers;
      return [operationId, { ...text, parameters, success: { ...text.success, headers } }];
    }),
  ) as { readonly [Id in keyof Routes]: OperationProse };
  return documentRoutes(
    routes,
    schemas,
    {
      tag: "Admin",
      envelope: adminErrorSchema,
      errorWires: (route) => ({
        ...reasonWires(adminError, REASONS, ["unauthorized", ...route.errors]),
        ...faultWires(renderAdminFault, route.request?.json ? undefined : ["internal", "unavailable"]),
      }),
    },
    versioned,
  );
}

/** The prose of a resource's `create<name>` (optional), `get<name>`, `update<name>` and `delete<name>`. */
interface ResourceProse {
  readonly name: string;
  /** Completes the summaries: `Create a CPR app`, `Read a CPR app`, `Update …`, `Delete …`. */
  readonly noun: string;
  readonly create?: { readonly description?: string; readonly example: unknown; readonly created?: string };
  readonly read: string;
  readonly updated: string;
  readonly update: { readonly summary?: string; readonly description?: string; readonly example: unknown };
  readonly remove?: { readonly summary?: string; readonly success?: string };
}

type ResourceIds<R extends ResourceProse> =
  `${"get" | "update" | "delete" | (R extends { readonly create: object } ? "create" : never)}${R["name"]}`;

export function resourceProse<const R extends ResourceProse>(
  resource: R,
): Record<ResourceIds<R>, OperationProse> {
  const { name, noun, create, update, remove } = resource;
  return {
    ...(create && {
      [`create${name}`]: {
        summary: `Create ${noun}`,
        description: create.description,
        requestBody: { examples: example(create.example) },
        success: { description: create.created ?? "Created." },
      },
    }),
    [`get${name}`]: { summary: `Read ${noun}`, success: { description: resource.read } },
    [`update${name}`]: {
      summary: update.summary ?? `Update ${noun}`,
      description: update.description,
      requestBody: { examples: example(update.example) },
      success: { description: resource.updated },
    },
    [`delete${name}`]: {
      summary: remove?.summary ?? `Delete ${noun}`,
      success: { description: remove?.success ?? "Deleted." },
    },
  } as Record<ResourceIds<R>, OperationProse>;
}

/** `POST <resource>/rotate-key` (docs/admin.md#grace-rotation): its optional body and what it shows. */
export function rotateKeyProse(summary: string, shown: string): OperationProse {
  return {
    summary,
    description:
      "With `graceSeconds`, the previous key still authenticates until `previousKeyExpiresAt`; a new rotation ends any earlier grace at once (docs/admin.md#grace-rotation).",
    requestBody: { examples: example({ graceSeconds: 3600 }), optional: true },
    success: { description: shown },
  };
}

/** An SPKI public key's example in a request body. */
export const PEM =
  "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----";
