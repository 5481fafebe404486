// This folder's two outputs, static assets built by scripts/assets.mjs: the asset router answers them (any
// method but GET and HEAD is its bare 405), and no Worker module imports this folder, so none of it is in
// the bundle V8 parses at startup (issue 15, docs/architecture.md#startup).

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

/** Operations served by the asset router: their answers carry no `X-Request-Id` (the Worker's). */
export const STATIC_ASSET_PATHS: ReadonlySet<string> = new Set([OPENAPI_PATH, DOCS_PATH]);
