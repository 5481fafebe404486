import { Hono } from "hono";
import type { AppEnv } from "../env";
import { DOCS_ASSETS, DOCS_HTML, DOCS_PATH, docsContentSecurityPolicy, OPENAPI_PATH } from "./docs-page";
import { buildOpenApiDocument, type OpenApiDocument } from "./document";

// The document and page change only with a deploy; a short shared cache keeps a new deploy visible.
const DOCUMENT_CACHE_CONTROL = "public, max-age=300";
// Assets are linked with the swagger-ui-dist version in the query, so they never change under a URL.
const ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

let cachedDocument: OpenApiDocument | undefined;

/** `GET /openapi.json`, `GET /docs` and the page's assets (issue 7). */
export const openApiRoutes = new Hono<AppEnv>()
  .get(OPENAPI_PATH, (c) => {
    cachedDocument ??= buildOpenApiDocument();
    return c.json(cachedDocument, 200, {
      "Cache-Control": DOCUMENT_CACHE_CONTROL,
      "Access-Control-Allow-Origin": "*",
    });
  })
  .get(DOCS_PATH, async (c) =>
    c.html(DOCS_HTML, 200, {
      "Content-Security-Policy": await docsContentSecurityPolicy(),
      "Cache-Control": DOCUMENT_CACHE_CONTROL,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    }),
  );

for (const [path, asset] of Object.entries(DOCS_ASSETS)) {
  openApiRoutes.get(path, (c) =>
    c.body(asset.body, 200, {
      "Content-Type": asset.contentType,
      "Cache-Control": ASSET_CACHE_CONTROL,
      "X-Content-Type-Options": "nosniff",
    }),
  );
}
