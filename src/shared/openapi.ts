import * as z from "zod";
import type { Contract, HttpMethod, RequestTarget, RouteDeclaration, SecuritySchemeName } from "./contract";
import type { Fault, FaultRenderer, WireError } from "./fault";

/**
 * What a family says about its routes for the OpenAPI document: the zod schemas its routes validate with,
 * and error examples rendered by its own reason → wire mapping, so every documented error body is one the
 * Worker really sends.
 */

/** The routes' zod/mini schemas, or the OpenAPI modules' classic ones (built by scripts/assets.mjs). */
export type DocumentedSchema = z.core.$ZodType;

export interface ParameterSpec {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly schema: DocumentedSchema;
  readonly description?: string;
  readonly required?: boolean;
  readonly example?: unknown;
}

export type Example = { readonly summary: string; readonly value: unknown };

export interface MediaSpec {
  readonly schema: DocumentedSchema;
  readonly examples?: Readonly<Record<string, Example>>;
}

interface RequestBodySpec {
  readonly description?: string;
  readonly required?: boolean;
  readonly content: Readonly<Record<string, MediaSpec>>;
}

export type HeaderSpec = { readonly description: string; readonly example?: string };

export interface ResponseSpec {
  readonly description: string;
  /** Media type → body; absent for an empty body (204). */
  readonly content?: Readonly<Record<string, MediaSpec>>;
  readonly headers?: Readonly<Record<string, HeaderSpec>>;
}

type ResponsesSpec = Readonly<Record<number, ResponseSpec>>;

export interface OperationSpec {
  readonly method: HttpMethod;
  /** OpenAPI form: `/customers/{customerId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  readonly deprecated?: boolean;
  readonly security?: ReadonlyArray<ReadonlyArray<SecuritySchemeName>>;
  readonly parameters?: readonly ParameterSpec[];
  readonly requestBody?: RequestBodySpec;
  readonly responses: ResponsesSpec;
}

/** A family's contribution: its operations and the schemas worth naming as components. */
export interface OperationGroup {
  readonly schemas?: Readonly<Record<string, DocumentedSchema>>;
  readonly operations: readonly OperationSpec[];
}

/**
 * One example per member of a reason union, keyed by its discriminant. Declaring a family's table
 * with `satisfies ExampleOfEach<...>` makes a new reason fail the typecheck until it is documented.
 */
export type ExampleOfEach<Reason, Key extends keyof Reason> = {
  readonly [Value in Reason[Key] & string]: Extract<Reason, Record<Key, Value>>;
};

/** The faults every route can meet once it is matched (404/405 belong to unmatched paths). */
const ROUTE_FAULTS: readonly Fault[] = ["malformed_json", "payload_too_large", "internal", "unavailable"];

/** The family's wire errors for faults, keyed by fault name. */
export function faultWires(
  render: FaultRenderer,
  faults: readonly Fault[] = ROUTE_FAULTS,
): Record<string, WireError> {
  return Object.fromEntries(faults.map((fault) => [fault, render(fault)]));
}

/** The wire errors of the named reasons, rendered by the family's mapping. */
export function reasonWires<Reason>(
  render: (reason: Reason) => WireError,
  table: Readonly<Record<string, Reason>>,
  names: readonly string[],
): Record<string, WireError> {
  return Object.fromEntries(names.map((name) => [name, render(table[name]!)]));
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  409: "Conflict",
  413: "Payload too large",
  429: "Too many requests",
  500: "Internal error",
  503: "Temporarily unavailable",
};

const HEADER_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "Retry-After": "Seconds to wait before retrying.",
  "WWW-Authenticate": "The authentication scheme(s) this endpoint accepts (RFC 9110 §11.6.1).",
};

/**
 * Error responses from named wire errors: grouped by status, identical bodies merged into one
 * example whose summary lists every cause, and each header the wire error sets documented.
 */
function errorResponses(
  envelope: DocumentedSchema,
  wires: Readonly<Record<string, WireError>>,
): ResponsesSpec {
  const byStatus = new Map<
    number,
    { examples: Map<string, { names: string[]; value: unknown }>; headers: Set<string> }
  >();
  for (const [name, wire] of Object.entries(wires)) {
    const entry = byStatus.get(wire.status) ?? { examples: new Map(), headers: new Set<string>() };
    byStatus.set(wire.status, entry);
    const key = JSON.stringify(wire.body);
    const example = entry.examples.get(key) ?? { names: [], value: wire.body };
    example.names.push(name);
    entry.examples.set(key, example);
    for (const header of Object.keys(wire.headers ?? {})) entry.headers.add(header);
  }
  const responses: Record<number, ResponseSpec> = {};
  for (const [status, { examples, headers }] of [...byStatus].sort(([a], [b]) => a - b)) {
    const named = [...examples.values()];
    responses[status] = {
      description: `${STATUS_TEXT[status] ?? `HTTP ${status}`}: ${named.map(({ names }) => names.join(", ")).join("; ")}.`,
      content: {
        "application/json": {
          schema: envelope,
          examples: Object.fromEntries(
            named.map(({ names, value }) => [names[0]!, { summary: names.join(", "), value }]),
          ),
        },
      },
      headers: Object.fromEntries(
        [...headers].map((header) => [header, { description: HEADER_DESCRIPTIONS[header] ?? header }]),
      ),
    };
  }
  return responses;
}

/** Parameters from a zod object schema's shape (path ids, query flags), one per field. */
function parametersOf(
  where: ParameterSpec["in"],
  schema: z.core.$ZodObject,
  details: OperationProse["parameterDetails"] = {},
): ParameterSpec[] {
  return Object.entries(schema._zod.def.shape).map(([name, field]) => ({
    name,
    in: where,
    schema: field,
    required: where === "path" || !z.safeParse(field, undefined).success,
    ...details[name],
  }));
}

/** Token-bearing responses are never cached (docs/http.md#request-ids). */
const NO_STORE: Readonly<Record<string, HeaderSpec>> = {
  "Cache-Control": {
    description: "Always `no-store`: the response carries a credential.",
    example: "no-store",
  },
};

/** The first issue the schema reports for an input it must refuse: the message a route answers with. */
export function firstIssue(schema: DocumentedSchema, input: unknown): z.core.$ZodIssue {
  const result = z.safeParse(schema, input);
  if (result.success) throw new Error(`documented invalid input was accepted: ${JSON.stringify(input)}`);
  return result.error.issues[0]!;
}

/** What the document says of a route beyond its contract: prose and examples (docs/architecture.md#route-contracts). */
export interface OperationProse {
  readonly summary: string;
  readonly description?: string;
  /** Parameters the route reads by hand (headers), placed before the validated ones. */
  readonly parameters?: readonly ParameterSpec[];
  /** Descriptions and examples of the validated parameters, by name. */
  readonly parameterDetails?: Readonly<Record<string, { description?: string; example?: unknown }>>;
  readonly requestBody?: {
    readonly description?: string;
    /** Examples of the JSON body (`request.json`), or of each media type of a `body` the handler reads. */
    readonly examples?: Readonly<Record<string, Example>>;
    readonly examplesByMediaType?: Readonly<Record<string, Readonly<Record<string, Example>>>>;
    /** The body may be left out (it then counts as `{}`). */
    readonly optional?: true;
  };
  readonly success: {
    readonly description: string;
    readonly examples?: Readonly<Record<string, Example>>;
    readonly headers?: Readonly<Record<string, HeaderSpec>>;
  };
  /** Error examples only this operation has (a 400 as its schema words it), beside the declared reasons. */
  readonly errors?: Readonly<Record<string, WireError>>;
}

/** What a family documents once for all its routes. */
interface FamilyDocumentation {
  readonly tag: string;
  readonly envelope: DocumentedSchema;
  /** The wire errors of a route's declared reasons and faults, rendered by the family's mapping. */
  readonly errorWires: (declaration: RouteDeclaration) => Readonly<Record<string, WireError>>;
}

const PARAMETER_PLACES = { param: "path", query: "query", header: "header" } as const;

/**
 * The operations of a contract: method, path, request and success schemas, errors, security and headers
 * from each route's declaration, with the prose keyed by its operationId (every route must have it).
 */
export function documentRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  schemas: Schemas,
  family: FamilyDocumentation,
  prose: { readonly [Id in keyof Routes]: OperationProse },
): OperationSpec[] {
  const named = (name: string) => (schemas as Record<string, DocumentedSchema>)[name]!;
  return Object.entries(routes).map(([operationId, route]: [string, RouteDeclaration<Schemas>]) => {
    const text: OperationProse = prose[operationId]!;
    const request: Partial<Record<RequestTarget, string>> = route.request ?? {};
    const validated = Object.entries(PARAMETER_PLACES).flatMap(([target, place]) => {
      const name = request[target as RequestTarget];
      return name ? parametersOf(place, named(name) as z.core.$ZodObject, text.parameterDetails) : [];
    });
    const body = text.requestBody;
    const content: Record<string, MediaSpec> = {};
    if (request.json) {
      content["application/json"] = { schema: named(request.json), examples: body?.examples ?? {} };
    }
    for (const [type, name] of Object.entries(route.body ?? {})) {
      content[type] = { schema: named(name), examples: body?.examplesByMediaType?.[type] };
    }
    const [status, schema] = route.success;
    return {
      method: route.method,
      path: route.path,
      operationId,
      tag: family.tag,
      summary: text.summary,
      description: text.description,
      deprecated: route.deprecated !== undefined,
      security: route.security,
      parameters: [...(text.parameters ?? []), ...validated],
      requestBody: Object.keys(content).length
        ? { required: !body?.optional, description: body?.description, content }
        : undefined,
      responses: {
        [status]: {
          description: text.success.description,
          content:
            schema === undefined
              ? undefined
              : { "application/json": { schema: named(schema), examples: text.success.examples } },
          headers: { ...(route.noStore ? NO_STORE : {}), ...text.success.headers },
        },
        ...errorResponses(family.envelope, {
          ...text.errors,
          ...family.errorWires(route as RouteDeclaration),
        }),
      },
    };
  });
}
