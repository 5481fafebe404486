import * as z from "zod";
import packageJson from "../../package.json";
import { adminApi } from "../admin/openapi";
import { cprApi } from "../cpr/openapi";
import { oauthApi } from "../oauth/openapi";
import { portalApi } from "../portal/openapi";
import type {
  DocumentedSchema,
  MediaSpec,
  OperationGroup,
  OperationSpec,
  ParameterSpec,
  ResponseSpec,
} from "../shared/openapi";
import { upiApi } from "../upi/openapi";
import { STATIC_ASSET_PATHS } from "./paths";
import { SECURITY_SCHEMES } from "./security";
import { serviceApi } from "./service-operations";

// `/openapi.json`: OpenAPI 3.1 from each family's operations, with the zod schemas the routes validate with
// in JSON Schema 2020-12, so it cannot drift from validation. Built on Node by scripts/assets.mjs at build
// time, no part of the Worker (issue 15, docs/architecture.md#openapi-and-docs).

export const API_GROUPS = [cprApi, portalApi, upiApi, oauthApi, adminApi, serviceApi] as const;

const tag = (name: string, description: string) => ({ name, description });

const TAGS = [
  tag("CPR auth token", "HyperVerge-compatible CPR auth tokens (docs/cpr.md, seed 002)."),
  tag("Portal login token", "PayU Chargeback API login tokens (docs/portal.md#login, seed 001)."),
  tag(
    "UPI session token",
    "Juspay HyperAPI `process` session tokens (docs/upi.md#session-tokens, seed 000).",
  ),
  tag(
    "UPI Customer API",
    "Juspay Customer API: client auth tokens for a merchant's customers (docs/upi.md#customer-api).",
  ),
  tag("Token verification", "JWKS, RFC 7662 introspection and RFC 7009 revocation (docs/tokens.md#jwks)."),
  tag(
    "Admin",
    'Provisioning behind the admin bearer token (docs/admin.md#errors). Errors: `{"error":{"code","message"}}`.',
  ),
  tag("Service", "Health, this document and its reference page."),
];

const DESCRIPTION = [
  "authedge issues and checks auth tokens for three API families, each a drop-in implementation of a published",
  "vendor contract. Each family answers errors in its own envelope, documented per operation with the bodies the",
  "service really sends. Every response of the Worker carries `X-Request-Id` (an incoming one of 1-128 characters of",
  "`A-Z a-z 0-9 . _ : -` is echoed); request bodies over 64 KiB are refused with 413 before parsing, and JSON",
  "bodies are read only under an `application/json` content type.",
].join(" ");

type JsonSchema = Record<string, unknown>;
type IO = "input" | "output";

// A member left `undefined` below is absent: the document is only ever read as `JSON.stringify` writes it.

function jsonSchemaOf(schema: DocumentedSchema, io: IO): JsonSchema {
  // `io: "input"` describes what a client sends (defaults optional, transforms by their input);
  // refinements have no JSON Schema form and are left to the descriptions and the 400 examples.
  const options = { io, unrepresentable: "any", target: "draft-2020-12" } as const;
  const { $schema: _dialect, ...body } = z.toJSONSchema(schema, options);
  return body;
}

/** Converts schemas, referring to the component of a named one. */
class SchemaConverter {
  private readonly names = new Map<DocumentedSchema, string>();
  readonly components: Record<string, JsonSchema> = {};

  constructor(groups: readonly OperationGroup[]) {
    for (const group of groups) {
      for (const [name, schema] of Object.entries(group.schemas ?? {})) {
        if (name in this.components) throw new Error(`schema component ${name} is declared twice`);
        this.names.set(schema, name);
        this.components[name] = jsonSchemaOf(schema, "output");
      }
    }
  }

  convert(schema: DocumentedSchema, io: IO): JsonSchema {
    const name = this.names.get(schema);
    return name ? { $ref: `#/components/schemas/${name}` } : jsonSchemaOf(schema, io);
  }
}

function media(converter: SchemaConverter, content: Readonly<Record<string, MediaSpec>>, io: IO) {
  return Object.fromEntries(
    Object.entries(content).map(([type, { schema, examples }]) => [
      type,
      { schema: converter.convert(schema, io), examples },
    ]),
  );
}

function parameter(converter: SchemaConverter, spec: ParameterSpec) {
  return {
    name: spec.name,
    in: spec.in,
    required: spec.in === "path" || spec.required === true,
    description: spec.description,
    schema: converter.convert(spec.schema, "input"),
    example: spec.example,
  };
}

function response(converter: SchemaConverter, spec: ResponseSpec, byWorker: boolean) {
  // The asset router answers the static files without running the Worker, so without a request id.
  const headers: Record<string, unknown> = byWorker
    ? { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" } }
    : {};
  for (const [name, header] of Object.entries(spec.headers ?? {})) {
    headers[name] = { description: header.description, schema: { type: "string" }, example: header.example };
  }
  return {
    description: spec.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: spec.content && media(converter, spec.content, "output"),
  };
}

function operation(converter: SchemaConverter, spec: OperationSpec) {
  return {
    operationId: spec.operationId,
    tags: [spec.tag],
    summary: spec.summary,
    description: spec.description,
    deprecated: spec.deprecated || undefined,
    security: spec.security?.map((schemes) => Object.fromEntries(schemes.map((name) => [name, []]))),
    ...(spec.parameters?.length ? { parameters: spec.parameters.map((p) => parameter(converter, p)) } : {}),
    requestBody: spec.requestBody && {
      required: spec.requestBody.required ?? true,
      description: spec.requestBody.description,
      content: media(converter, spec.requestBody.content, "input"),
    },
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, value]) => [
        status,
        response(converter, value, !STATIC_ASSET_PATHS.has(spec.path)),
      ]),
    ),
  };
}

/** Builds the document; throws on a route documented twice, an unknown tag or a duplicate operationId. */
export function buildOpenApiDocument(groups: readonly OperationGroup[] = API_GROUPS) {
  const converter = new SchemaConverter(groups);
  const tagNames = new Set<string>(TAGS.map((tag) => tag.name));
  const operationIds = new Set<string>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of groups.flatMap((group) => group.operations)) {
    if (!tagNames.has(spec.tag)) throw new Error(`${spec.operationId}: unknown tag ${spec.tag}`);
    if (operationIds.has(spec.operationId)) throw new Error(`operationId ${spec.operationId} is used twice`);
    operationIds.add(spec.operationId);
    paths[spec.path] ??= {};
    const item = paths[spec.path]!;
    if (spec.method in item) throw new Error(`${spec.method.toUpperCase()} ${spec.path} is documented twice`);
    item[spec.method] = operation(converter, spec);
  }
  return {
    openapi: "3.1.1",
    info: { title: "authedge", version: packageJson.version, description: DESCRIPTION },
    // Relative: requests go to whichever origin served this document.
    servers: [{ url: "/" }],
    tags: TAGS,
    paths,
    components: {
      schemas: converter.components,
      securitySchemes: SECURITY_SCHEMES,
      headers: {
        "X-Request-Id": {
          description:
            "The request's id: the caller's own when well-formed, else generated (docs/http.md#request-ids).",
          schema: { type: "string" },
        },
      },
    },
  };
}
