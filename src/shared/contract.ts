import type { Fault } from "./fault";
import type * as z from "./zod";

/**
 * The one declaration of each route (docs/architecture.md#route-contracts): the Worker registers its routes
 * from it (`shared/route.ts`) and the OpenAPI document is built from it (`documentRoutes`), so the two cannot
 * disagree. Contract modules are plain data: schemas are named, never imported (docs/architecture.md#startup).
 */

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type RequestTarget = "json" | "query" | "param" | "header";

/** The keys of `SECURITY_SCHEMES` (src/openapi/security.ts describes each one, and has each one). */
export type SecuritySchemeName =
  | `${"admin" | "cpr" | "portal"}Token`
  | `${"app" | "merchant"}Credentials`
  | `merchant${"ApiKey" | "IdHeader"}`
  | `cprApp${"Id" | "Key"}Header`;

/** The names of a schema module's exported zod schemas (any name when the module is not given). */
type SchemaName<Schemas> = unknown extends Schemas
  ? string
  : {
      [Name in keyof Schemas]: Schemas[Name] extends z.core.$ZodType ? Name : never;
    }[keyof Schemas] &
      string;

/** What a contract may declare for all its routes at once (`declareRoutes(defaults)`); a route overrides it. */
interface RouteDefaults<Reason extends string = string> {
  /** The family's refusals the route can answer, by reason code. */
  readonly errors?: readonly Reason[];
  /** The faults it can meet; the family's default when absent. */
  readonly faults?: readonly Fault[];
  /** Alternatives, each a set of schemes used together; `[]` in the list makes credentials optional. */
  readonly security?: ReadonlyArray<ReadonlyArray<SecuritySchemeName>>;
  /** Every answer carries `Cache-Control: no-store` (it carries a credential). */
  readonly noStore?: true;
  /** A GET that changes state: HEAD is 405 there (docs/http.md#head). */
  readonly getHasEffects?: true;
  /** A deprecated route: these headers go on every answer, errors included. */
  readonly deprecated?: Readonly<Record<string, string>>;
  /** Its success carries the addressed resource's `ETag` (docs/admin.md#versions); the family documents it. */
  readonly etag?: true;
  /** It honours `If-Match` (412 when stale, docs/admin.md#versions); the family documents it. */
  readonly ifMatch?: true;
}

interface RouteSchemas<Schemas> {
  /** The schemas the request is validated with, by target, named in the contract's schema module. */
  readonly request?: { readonly [Target in RequestTarget]?: SchemaName<Schemas> };
  /** A body the handler reads itself, by media type: documented from these schemas, never validated. */
  readonly body?: Readonly<Record<string, SchemaName<Schemas>>>;
  /** The success's status and, unless it has no body, the schema of its JSON body. */
  readonly success: readonly [status: number, schema?: SchemaName<Schemas>];
}

/** A route as its contract declares it: `route: "POST /v2/auth/token"` (the full path, in OpenAPI form). */
interface RouteInput<Schemas, Reason extends string> extends RouteDefaults<Reason>, RouteSchemas<Schemas> {
  readonly route: `${Uppercase<HttpMethod>} /${string}`;
}

/** A declared route, as the registrar and the document read it. */
export interface RouteDeclaration<Schemas = unknown, Reason extends string = string>
  extends RouteDefaults<Reason>,
    RouteSchemas<Schemas> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly errors: readonly Reason[];
}

/** A family's routes by operationId, declared against one schema module and one reason union. */
export type Contract<Schemas = unknown, Reason extends string = string> = Readonly<
  Record<string, RouteDeclaration<Schemas, Reason>>
>;

/**
 * Declares a contract: `declareRoutes<typeof import("./schema"), CprReason["code"]>(defaults)({ ... })`. The
 * two steps let the schema module and reason union be given while the routes' literal types are inferred.
 */
export function declareRoutes<Schemas, Reason extends string>(defaults: RouteDefaults<Reason> = {}) {
  return <const Routes extends Readonly<Record<string, RouteInput<Schemas, Reason>>>>(routes: Routes) =>
    Object.fromEntries(
      Object.entries(routes).map(([operationId, { route, ...declared }]) => {
        const [method, path] = route.split(" ");
        return [operationId, { errors: [], ...defaults, ...declared, method: method!.toLowerCase(), path }];
      }),
    ) as {
      readonly [Id in keyof Routes]: Omit<Routes[Id], "route"> &
        Omit<RouteDeclaration<Schemas, Reason>, keyof RouteSchemas<Schemas>>;
    };
}

/** The output type of the schema a route names. */
type Output<Schemas, Name> = Name extends keyof Schemas ? z.output<Schemas[Name] & z.core.$ZodType> : never;

/** The validated input of a route, as its handler reads it with `c.req.valid(target)`. */
export type ValidatedInput<Schemas, Declaration extends RouteDeclaration<Schemas>> = {
  [Target in keyof NonNullable<Declaration["request"]>]: Output<
    Schemas,
    NonNullable<Declaration["request"]>[Target]
  >;
};

/** The body of a route's success, as its schema describes it (`undefined` when it has none). */
export type SuccessBody<
  Schemas,
  Declaration extends RouteDeclaration<Schemas>,
> = Declaration["success"][1] extends keyof Schemas ? Output<Schemas, Declaration["success"][1]> : undefined;
