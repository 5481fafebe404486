import { z } from "zod";
import { DOCS_ASSETS, DOCS_PATH, OPENAPI_PATH } from "./docs-page";
import type { OperationGroup, OperationSpec } from "./operation";

/** The service's own routes: health, this document, its reference page and the page's assets. */

const TAG = "Service";

const assetOperations: OperationSpec[] = Object.entries(DOCS_ASSETS).map(([path, asset]) => ({
  method: "get",
  path,
  operationId: `getDocsAsset${path.endsWith(".css") ? "Css" : "Script"}`,
  tag: TAG,
  summary: `Swagger UI ${path.endsWith(".css") ? "stylesheet" : "script"} for /docs`,
  responses: {
    200: {
      description: "The asset, served by the Worker itself.",
      content: { [asset.contentType.split(";")[0]!]: { schema: z.string() } },
      headers: {
        "Cache-Control": { description: "Long-lived: the page links it with the package version." },
      },
    },
  },
}));

export const serviceApi: OperationGroup = {
  operations: [
    {
      method: "get",
      path: "/healthz",
      operationId: "getHealth",
      tag: TAG,
      summary: "Health check",
      description: "Answers without touching storage: the floor route of the benchmark (SPEC §9).",
      responses: {
        200: {
          description: "The Worker is up.",
          content: {
            "application/json": {
              schema: z.object({ status: z.literal("ok") }),
              examples: { ok: { summary: "Up", value: { status: "ok" } } },
            },
          },
        },
      },
    },
    {
      method: "get",
      path: OPENAPI_PATH,
      operationId: "getOpenApiDocument",
      tag: TAG,
      summary: "This OpenAPI 3.1 document",
      description: "Generated from the zod schemas the routes validate with. Feed it to a client generator.",
      responses: {
        200: {
          description: "The document.",
          content: { "application/json": { schema: z.object({ openapi: z.string() }).loose() } },
        },
      },
    },
    {
      method: "get",
      path: DOCS_PATH,
      operationId: "getDocsPage",
      tag: TAG,
      summary: "Interactive API reference (this page)",
      description: "Swagger UI; every asset comes from this Worker and the CSP admits this origin only.",
      responses: {
        200: {
          description: "The HTML page.",
          content: { "text/html": { schema: z.string() } },
          headers: {
            "Content-Security-Policy": { description: "Same-origin only, the inline initialiser by hash." },
          },
        },
      },
    },
    ...assetOperations,
  ],
};
