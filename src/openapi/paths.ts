/**
 * The two paths of this folder's output, both Workers Static Assets built by scripts/assets.mjs
 * (`assets/openapi.json`, `assets/docs.html`): the asset router answers them (GET and HEAD; any
 * other method is its bare 405), the Worker never sees them, and no module of the Worker imports
 * this folder (issue 15: none of it is in the bundle V8 parses at startup).
 */

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

/** Operations served by the asset router: their answers carry no `X-Request-Id` (the Worker's). */
export const STATIC_ASSET_PATHS: ReadonlySet<string> = new Set([OPENAPI_PATH, DOCS_PATH]);
