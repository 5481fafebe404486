import type { Env, Hono, MiddlewareHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { COMPOSED_HANDLER } from "hono/utils/constants";

const GET_HAS_EFFECTS = Symbol("getHasEffects");

/**
 * Marks a `GET` route whose answer changes state (logs in, refreshes, mints a token). `HEAD` on it
 * is 405 with `Allow` (docs/http.md#head: `HEAD` never changes state), and `Allow` never offers `HEAD` there.
 * Hono answers `HEAD` by running the `GET` handler, so the refusal comes before any route runs: a
 * middleware in index.ts asks `allowedMethodsResolver`, which reads this mark from the route table.
 */
export function getHasEffects<E extends Env>(): MiddlewareHandler<E> {
  const mark: MiddlewareHandler<E> = async (_c, next) => {
    await next();
  };
  return Object.assign(mark, { [GET_HAS_EFFECTS]: true });
}

function isMarked(handler: unknown): boolean {
  const inner = (handler as Record<string, unknown>)[COMPOSED_HANDLER] ?? handler;
  return (inner as Record<symbol, unknown>)[GET_HAS_EFFECTS] === true;
}

/**
 * Answers "which methods does this path support?" for 405 responses
 * (docs/http.md#not-found-and-wrong-method), from the app's own route table, so it can never disagree with
 * the routes that exist. Built once per isolate with the same strict matching as the app's router:
 * `/healthz/` is no route, so it has no methods (404).
 */
export function allowedMethodsResolver(app: Pick<Hono, "routes">): (path: string) => string[] {
  let router: TrieRouter<readonly [method: string, effects: boolean]> | undefined;
  return (path) => {
    // docs/http.md#trailing-slash: a trailing slash no route serves is 404, not 405 (the pattern router would
    // let the slash go and report the methods of the path without it). No route ends in a slash.
    if (path.length > 1 && path.endsWith("/")) return [];
    if (!router) {
      router = new TrieRouter();
      for (const route of app.routes) {
        if (route.method !== "ALL") router.add("ALL", route.path, [route.method, isMarked(route.handler)]);
      }
    }
    const matched = router.match("GET", path)[0].map(([entry]) => entry);
    const methods = new Set(matched.map(([method]) => method));
    const getHasEffect = matched.some(([method, effects]) => method === "GET" && effects);
    if (methods.has("GET") && !getHasEffect) methods.add("HEAD");
    return [...methods].sort();
  };
}
