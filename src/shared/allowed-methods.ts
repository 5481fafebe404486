import type { Env, Hono, MiddlewareHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { COMPOSED_HANDLER } from "hono/utils/constants";

const GET_HAS_EFFECTS = Symbol("getHasEffects");

/** Marks a `GET` that changes state: `HEAD` there is 405, `Allow` omits it (docs/http.md#head). */
export function getHasEffects<E extends Env>(): MiddlewareHandler<E> {
  const mark: MiddlewareHandler<E> = (_c, next) => next();
  return Object.assign(mark, { [GET_HAS_EFFECTS]: true });
}

function isMarked(handler: unknown): boolean {
  const inner = (handler as Record<string, unknown>)[COMPOSED_HANDLER] ?? handler;
  return (inner as Record<symbol, unknown>)[GET_HAS_EFFECTS] === true;
}

/** The methods a path supports, from the app's own route table (docs/http.md#not-found-and-wrong-method). */
export function allowedMethodsResolver(app: Pick<Hono, "routes">): (path: string) => string[] {
  let router: TrieRouter<readonly [method: string, effects: boolean]> | undefined;
  return (path) => {
    // docs/http.md#trailing-slash: 404, not the methods of the path without the slash. No route ends in one.
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
