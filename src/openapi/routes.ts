import { Hono } from "hono";
import type { AppEnv } from "../shared/env";
import type { OpenApiDocument } from "./document";
import { DOCS_PATH, OPENAPI_PATH } from "./paths";

// The document and page change only with a deploy; a short shared cache keeps a new deploy visible.
const DOCUMENT_CACHE_CONTROL = "public, max-age=300";

// Issue 15: the document (every family's operations, error examples and JSON Schemas) and the page
// are loaded by their first request, not at startup. wrangler's esbuild wraps a dynamically imported
// module, and the modules only it imports, in a lazy initialiser: none of it runs on a token route.
let openApiDocument: Promise<OpenApiDocument> | undefined;

/** `GET /openapi.json` and `GET /docs` (issue 7); Swagger UI's files are static assets (wrangler.toml). */
export const openApiRoutes = new Hono<AppEnv>()
  .get(OPENAPI_PATH, async (c) => {
    openApiDocument ??= import("./document").then(({ buildOpenApiDocument }) => buildOpenApiDocument());
    return c.json(await openApiDocument, 200, {
      "Cache-Control": DOCUMENT_CACHE_CONTROL,
      "Access-Control-Allow-Origin": "*",
    });
  })
  .get(DOCS_PATH, async (c) => {
    const { DOCS_HTML, docsContentSecurityPolicy } = await import("./docs-page");
    return c.html(DOCS_HTML, 200, {
      "Content-Security-Policy": await docsContentSecurityPolicy(),
      "Cache-Control": DOCUMENT_CACHE_CONTROL,
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    });
  });
