import type { Fault } from "./fault";
import type * as z from "./zod";

/**
 * The one declaration of each route (docs/architecture.md#route-contracts): method, path, the schemas its
 * request is validated with and its success is shaped by, the errors it answers, its security and the
 * headers it always sets. The Worker registers its routes from it (`shared/route.ts`) and the OpenAPI
 * document is built from it (`documentRoutes` in `shared/openapi.ts`), so the two cannot disagree.
 * Contract modules are plain data: schemas are named, never imported, so neither zod nor the schemas load
 * at startup (docs/architecture.md#startup), and the document's build imports the schema modules itself.
 */

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** Where a request schema applies: Hono's validation targets. */
export type RequestTarget = "json" | "query" | "param" | "header";

/** The ways callers authenticate; src/openapi/security.ts describes each one for the document. */
export type SecuritySchemeName =
  | "adminToken"
  | "appCredentials"
  | "merchantCredentials"
  | "merchantApiKey"
  | "merchantIdHeader"
  | "cprAppIdHeader"
  | "cprAppKeyHeader"
  | "cprToken"
  | "portalToken";

/** The names of a schema module's exported zod schemas (any name when the module is not given). */
type SchemaName<Schemas> = unknown extends Schemas
  ? string
  : {
      [Name in keyof Schemas]: Schemas[Name] extends z.core.$ZodType ? Name : never;
    }[keyof Schemas] &
      string;

export interface RouteDeclaration<Schemas = unknown, Reason extends string = string> {
  readonly method: HttpMethod;
  /** The full path in OpenAPI form: `/admin/v1/apps/{appId}`. */
  readonly path: string;
  /** The schemas the request is validated with, by target, named in the contract's schema module. */
  readonly request?: { readonly [Target in RequestTarget]?: SchemaName<Schemas> };
  /**
   * A body the handler reads itself (several media types, or the family's own order of checks), by media
   * type: documented from these schemas, never validated by the registrar.
   */
  readonly body?: Readonly<Record<string, SchemaName<Schemas>>>;
  /** The success: its status and, unless it has no body, the schema of its JSON body. */
  readonly success: { readonly status: number; readonly schema?: SchemaName<Schemas> };
  /** The family's refusals this route can answer, by reason code. */
  readonly errors: readonly Reason[];
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

/** A family's routes by operationId, declared against one schema module and one reason union. */
export type Contract<Schemas = unknown, Reason extends string = string> = Readonly<
  Record<string, RouteDeclaration<Schemas, Reason>>
>;

/**
 * Declares a contract: `declareRoutes<typeof import("./schema"), CprReason["code"]>()({ ... })`. The two
 * steps let the schema module and reason union be given while the routes' literal types are inferred.
 */
export function declareRoutes<Schemas, Reason extends string>() {
  return <const Routes extends Contract<Schemas, Reason>>(routes: Routes): Routes => routes;
}

/** The validated input of a route, as its handler reads it with `c.req.valid(target)`. */
export type ValidatedInput<Schemas, Declaration extends RouteDeclaration<Schemas>> = {
  [Target in keyof NonNullable<Declaration["request"]>]: NonNullable<
    Declaration["request"]
  >[Target] extends keyof Schemas
    ? z.output<Schemas[NonNullable<Declaration["request"]>[Target]] & z.core.$ZodType>
    : never;
};

/** The body of a route's success, as its schema describes it (`undefined` when it has none). */
export type SuccessBody<
  Schemas,
  Declaration extends RouteDeclaration<Schemas>,
> = Declaration["success"]["schema"] extends keyof Schemas
  ? z.output<Schemas[Declaration["success"]["schema"]] & z.core.$ZodType>
  : undefined;
