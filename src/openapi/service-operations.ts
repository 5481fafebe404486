import * as z from "zod";
import type { OperationGroup, ResponseSpec } from "../shared/openapi";
import { DOCS_PATH, OPENAPI_PATH } from "./paths";

// Health, this document and its page (static assets with assets/_headers; Swagger UI's own files are not
// operations of this API).

const SHORT_CACHE = { description: "`public, max-age=300`: the file changes only with a deploy." };

const TAG = "Service";

/** A `GET` of the service's own that answers 200 only. */
const get = (path: string, operationId: string, summary: string, description: string, ok: ResponseSpec) =>
  ({ method: "get", path, operationId, tag: TAG, summary, description, responses: { 200: ok } }) as const;

export const serviceApi: OperationGroup = {
  operations: [
    get(
      "/healthz",
      "getHealth",
      "Health check",
      "Answers without touching storage: the floor route of the benchmark (docs/architecture.md#performance).",
      {
        description: "The Worker is up.",
        content: {
          "application/json": {
            schema: z.object({ status: z.literal("ok") }),
            examples: { ok: { summary: "Up", value: { status: "ok" } } },
          },
        },
      },
    ),
    get(
      OPENAPI_PATH,
      "getOpenApiDocument",
      "This OpenAPI 3.1 document",
      "Generated from the zod schemas the routes validate with when the service is deployed, and served as a " +
        "static file (any other method is 405). Feed it to a client generator.",
      {
        description: "The document.",
        content: { "application/json": { schema: z.object({ openapi: z.string() }).loose() } },
        headers: {
          "Cache-Control": SHORT_CACHE,
          "Access-Control-Allow-Origin": { description: "`*`: any origin may read the document." },
        },
      },
    ),
    get(
      DOCS_PATH,
      "getDocsPage",
      "Interactive API reference (this page)",
      "Swagger UI, served as a static file (any other method is 405); its files come from this origin and the " +
        "CSP admits this origin only.",
      {
        description: "The HTML page.",
        content: { "text/html": { schema: z.string() } },
        headers: {
          "Content-Security-Policy": { description: "Same-origin only, the inline initialiser by hash." },
          "Cache-Control": SHORT_CACHE,
        },
      },
    ),
  ],
};
