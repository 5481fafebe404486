import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getHasEffects } from "./allowed-methods";
import type { Contract, RequestTarget, RouteDeclaration, SuccessBody, ValidatedInput } from "./contract";
import type { AppEnv } from "./env";
import { noStore } from "./request-context";
import { type IssueRenderer, validated } from "./validate";

/**
 * Registers a family's routes from its contract (`shared/contract.ts`, docs/architecture.md#route-contracts):
 * the method and path, the validators of the declared schemas, `no-store`, the deprecation headers and
 * the HEAD mark all come from the declaration, so a handler holds only what the route does.
 */

/** The context a route's handler gets: `c.req.valid(target)` is typed by the declared schemas. */
type RouteContext<Schemas, Declaration extends RouteDeclaration<Schemas>> = Context<
  AppEnv,
  string,
  { out: ValidatedInput<Schemas, Declaration> }
>;

/** Answers the route's success: its declared status, and a body of its declared schema's type. */
type Reply<Body> = [Body] extends [undefined]
  ? (headers?: Record<string, string>) => Response
  : (body: Body, headers?: Record<string, string>) => Response;

export type RouteHandler<Schemas, Declaration extends RouteDeclaration<Schemas>> = (
  c: RouteContext<Schemas, Declaration>,
  reply: Reply<SuccessBody<Schemas, Declaration>>,
) => Response | Promise<Response>;

interface ContractOptions<Schemas> {
  /** The contract's schema module, loaded on the first request that validates (docs/architecture.md#startup). */
  readonly loadSchemas: () => Promise<Schemas>;
  /** Turns a request's first failing issue into the family's wire error. */
  readonly renderIssue: IssueRenderer;
}

// Which check answers first when several parts of a request are wrong: the address, then the rest.
const TARGET_ORDER: readonly RequestTarget[] = ["param", "query", "header", "json"];

/** `/apps/{appId}` → `/apps/:appId`. */
function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

/** Sets these headers on every answer of the route, errors included. */
function alwaysSet(headers: Readonly<Record<string, string>>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/**
 * A Hono app of the contract's routes, mounted at `/` (paths are full), and `route(operationId, ...middleware,
 * handler)` that registers each one. Middleware given there runs after the declared ones and before validation.
 */
export function contractRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  options: ContractOptions<Schemas>,
) {
  const app = new Hono<AppEnv>();
  const route = <Id extends keyof Routes & string>(
    operationId: Id,
    ...handlers: [...MiddlewareHandler<AppEnv>[], RouteHandler<Schemas, Routes[Id]>]
  ) => {
    const declaration: RouteDeclaration<Schemas> = routes[operationId];
    const handler = handlers.at(-1) as RouteHandler<Schemas, RouteDeclaration<Schemas>>;
    const middleware = handlers.slice(0, -1) as MiddlewareHandler<AppEnv>[];
    const request: Partial<Record<RequestTarget, string>> = declaration.request ?? {};
    const validators = TARGET_ORDER.flatMap((target) => {
      const name = request[target];
      if (name === undefined) return [];
      const load = () => options.loadSchemas().then((schemas) => (schemas as Record<string, never>)[name]);
      return [validated(target, load, options.renderIssue)];
    });
    const [status, schema] = declaration.success;
    const chain: MiddlewareHandler<AppEnv>[] = [
      ...(declaration.getHasEffects ? [getHasEffects<AppEnv>()] : []),
      ...(declaration.deprecated ? [alwaysSet(declaration.deprecated)] : []),
      ...(declaration.noStore ? [noStore] : []),
      ...middleware,
      ...validators,
      async (c) => {
        const reply = (
          schema === undefined
            ? (headers?: Record<string, string>) => c.body(null, status as never, headers)
            : (body: unknown, headers?: Record<string, string>) =>
                c.json(body as object, status as never, headers)
        ) as never;
        return handler(c as never, reply);
      },
    ];
    app.on(
      declaration.method.toUpperCase(),
      honoPath(declaration.path),
      ...(chain as [MiddlewareHandler<AppEnv>]),
    );
  };
  return { app, route };
}
