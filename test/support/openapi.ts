import app from "../../src/index";
import { buildOpenApiDocument } from "../../src/openapi/document";
import { STATIC_ASSET_PATHS } from "../../src/openapi/paths";

let served: unknown;

/**
 * `/openapi.json` as the asset router serves it: scripts/assets.mjs writes
 * `JSON.stringify(buildOpenApiDocument())` to assets/openapi.json at build time (issue 15), and
 * test/deploy/static-assets.mjs checks that the file is this document. Built once per test file.
 */
// biome-ignore lint/suspicious/noExplicitAny: the served document is read loosely, as JSON
export function servedDocument(): any {
  served ??= JSON.parse(JSON.stringify(buildOpenApiDocument()));
  return served;
}

/**
 * The routes served: the app's as `METHOD /openapi/{path}`, middleware (`ALL` on a `/*` pattern) left
 * out, and the static files the asset router serves in front of the Worker (scripts/assets.mjs).
 */
export function servedRoutes(): string[] {
  const routes = new Set<string>([...STATIC_ASSET_PATHS].map((path) => `GET ${path}`));
  for (const route of app.routes) {
    if (route.method === "ALL" && route.path.endsWith("*")) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
    routes.add(`${route.method} ${path}`);
  }
  return [...routes].sort();
}
