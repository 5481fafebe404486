import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getHasEffects } from "./allowed-methods";
import type { Contract, RequestTarget, RouteDeclaration, SuccessBody, ValidatedInput } from "./contract";
import type { AppEnv } from "./env";
import { alwaysSet, noStore } from "./request-context";
import { type IssueRenderer, validated } from "./validate";

/**
 * Registers a family's routes from its contract (docs/architecture.md#route-contracts): the method and path,
 * the validators of the declared schemas, `no-store`, the deprecation headers and the HEAD mark all come
 * from the declaration, so a handler holds only what the route does.
 */

/** Answers the route's success: its declared status, and a body of its declared schema's type. */
type Reply<Body> = [Body] extends [undefined]
  ? (headers?: Record<string, string>) => Response
  : (body: Body, headers?: Record<string, string>) => Response;

/** A route's handler: `c.req.valid(target)` is typed by the declared schemas. */
export type RouteHandler<Schemas, Declaration extends RouteDeclaration<Schemas>> = (
  c: Context<AppEnv, string, { out: ValidatedInput<Schemas, Declaration> }>,
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

/**
 * A Hono app of the contract's routes, mounted at `/` (paths are full), and `route(operationId, ...middleware,
 * handler)` that registers each one. Middleware given there runs after the declared ones and before validation.
 */
export function contractRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  options: ContractOptions<Schemas>,
) {
  const app = new Hono<AppEnv>();
  const load = (name: string) => () =>
    options.loadSchemas().then((schemas) => (schemas as Record<string, never>)[name]);
  const route = <Id extends keyof Routes & string>(
    operationId: Id,
    ...handlers: [...MiddlewareHandler<AppEnv>[], RouteHandler<Schemas, Routes[Id]>]
  ) => {
    const declaration: RouteDeclaration<Schemas> = routes[operationId];
    const handler = handlers.at(-1) as RouteHandler<Schemas, RouteDeclaration<Schemas>>;
    const middleware = handlers.slice(0, -1) as MiddlewareHandler<AppEnv>[];
    const request: Partial<Record<RequestTarget, string>> = declaration.request ?? {};
    const [status, schema] = declaration.success;
    const chain = [
      ...(declaration.getHasEffects ? [getHasEffects<AppEnv>()] : []),
      ...(declaration.deprecated ? [alwaysSet(declaration.deprecated)] : []),
      ...(declaration.noStore ? [noStore] : []),
      ...middleware,
      ...TARGET_ORDER.flatMap((target) => {
        const name = request[target];
        return name ? [validated(target, load(name), options.renderIssue)] : [];
      }),
      async (c: Context<AppEnv>) => {
        const reply = (
          schema === undefined
            ? (headers?: Record<string, string>) => c.body(null, status as never, headers)
            : (body: object, headers?: Record<string, string>) => c.json(body, status as never, headers)
        ) as never;
        return handler(c as never, reply);
      },
    ];
    // `{appId}` → `:appId`.
    app.on(
      declaration.method.toUpperCase(),
      declaration.path.replace(/\{(\w+)\}/g, ":$1"),
      ...(chain as [MiddlewareHandler<AppEnv>]),
    );
  };
  return { app, route };
}
