import { buildOpenApiDocument } from "../../src/openapi/document";

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
