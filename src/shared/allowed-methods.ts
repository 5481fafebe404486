import type { Hono } from "hono";
import { PatternRouter } from "hono/router/pattern-router";

/**
 * Answers "which methods does this path support?" for 405 responses (SPEC §2), from the app's own
 * route table, so it can never disagree with the routes that exist. Built once per isolate.
 */
export function allowedMethodsResolver(app: Pick<Hono, "routes">): (path: string) => string[] {
  let router: PatternRouter<string> | undefined;
  return (path) => {
    // SPEC §2: a trailing slash no route serves is 404, not 405 (the pattern router would let the
    // slash go and report the methods of the path without it). No route ends in a slash.
    if (path.length > 1 && path.endsWith("/")) return [];
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of app.routes) {
        if (route.method !== "ALL") router.add("ALL", route.path, route.method);
      }
    }
    const methods = new Set(router.match("GET", path)[0].map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
