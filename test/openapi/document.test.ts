import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { API_GROUPS, buildOpenApiDocument } from "../../src/openapi/document";
import { DOCS_PATH, OPENAPI_PATH, STATIC_ASSET_PATHS } from "../../src/openapi/paths";
import type { MediaSpec, OperationGroup, OperationSpec } from "../../src/shared/openapi";
import { servedDocument, servedRoutes } from "../support/openapi";
import { call, json } from "../support/worker";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function documentedRoutes(document: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

const operations = API_GROUPS.flatMap((group) => group.operations);

function mediaExamples(operation: OperationSpec) {
  const request = Object.entries(operation.requestBody?.content ?? {}).map(
    ([type, media]) => [`request ${type}`, media] as const,
  );
  const responses = Object.entries(operation.responses).flatMap(([status, response]) =>
    Object.entries(response.content ?? {}).map(([type, media]) => [`${status} ${type}`, media] as const),
  );
  const parameters = (operation.parameters ?? [])
    .filter((parameter) => parameter.example !== undefined)
    .map((parameter) => ({
      label: `${operation.method.toUpperCase()} ${operation.path} ${parameter.in} parameter ${parameter.name}`,
      schema: parameter.schema,
      value: parameter.example,
    }));
  return [...request, ...responses]
    .flatMap(([where, media]: readonly [string, MediaSpec]) =>
      Object.entries(media.examples ?? {}).map(([name, example]) => ({
        label: `${operation.method.toUpperCase()} ${operation.path} ${where} "${name}"`,
        schema: media.schema,
        value: example.value,
      })),
    )
    .concat(parameters);
}

describe("/openapi.json", () => {
  it("is the OpenAPI 3.1 document built from the families' operations, as JSON", () => {
    const document = servedDocument();
    expect(document).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument(API_GROUPS))));
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(40);
  });

  it("documents every route the app serves", () => {
    const documented = new Set(documentedRoutes(servedDocument()));
    expect(servedRoutes().filter((route) => !documented.has(route))).toEqual([]);
  });

  it("documents no route the app does not serve", () => {
    const served = new Set(servedRoutes());
    expect(documentedRoutes(servedDocument()).filter((route) => !served.has(route))).toEqual([]);
  });

  it("documents the static files without the Worker's X-Request-Id, every other answer with it", () => {
    const document = servedDocument();
    for (const [path, item] of Object.entries<
      Record<string, { responses: Record<string, { headers?: object }> }>
    >(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          expect(
            Object.keys(response.headers ?? {}).includes("X-Request-Id"),
            `${method.toUpperCase()} ${path} ${status}`,
          ).toBe(!STATIC_ASSET_PATHS.has(path));
        }
      }
    }
    expect(Object.keys(document.paths[OPENAPI_PATH].get.responses["200"].headers)).toEqual([
      "Cache-Control",
      "Access-Control-Allow-Origin",
    ]);
  });
});

describe("the document's content", () => {
  it.each(operations.flatMap(mediaExamples))("$label conforms to its schema", ({ schema, value }) => {
    const parsed = z.safeParse(schema, value);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it.each(
    operations.map(
      (operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const,
    ),
  )("%s documents a success and the family's 500 and 503", (_label, operation) => {
    const statuses = Object.keys(operation.responses).map(Number);
    expect(statuses.some((status) => status >= 200 && status < 300)).toBe(true);
    if (operation.tag !== "Service") {
      expect(statuses).toEqual(expect.arrayContaining([500, 503]));
    }
  });

  it("puts every admin route under the Admin tag behind the admin bearer token, and no other route", () => {
    for (const operation of operations) {
      const isAdmin = operation.path.startsWith("/admin/");
      expect(operation.tag === "Admin", operation.path).toBe(isAdmin);
      if (isAdmin) expect(operation.security, operation.path).toEqual([["adminToken"]]);
    }
  });

  it("documents the family's real error bodies: the first 400 message of the CPR schema", async () => {
    const document = servedDocument();
    const examples =
      document.paths["/v2/auth/token"].post.responses["400"].content["application/json"].examples;
    expect(examples["appId missing"].value).toEqual({
      statusCode: 400,
      status: "failure",
      error: '"appId" is required',
      errorCode: "invalid_request_body",
    });
    const served = await call("/v2/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(await json(served)).toEqual(examples["appId missing"].value);
  });

  it("describes the JWKS as the key store serves it, not as the SIGNING_KEYS secret (docs/operations.md#import)", async () => {
    const document = servedDocument();
    const { description } = document.paths["/.well-known/jwks.json"].get;
    expect(description).not.toContain("SIGNING_KEYS");
    expect(description).toContain("`next`, `active` and `retired` keys");
  });

  it("refers to named components and leaves no dangling reference", async () => {
    const document = servedDocument();
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const [, kind, name] = /#\/components\/(\w+)\/([^"]+)/.exec(ref) ?? [];
      expect(document.components[kind!]?.[name!], ref).toBeDefined();
    }
  });

  it.each([
    ["a route documented twice", [{ operations: [operations[0]!, operations[0]!] }]],
    ["an unknown tag", [{ operations: [{ ...operations[0]!, tag: "Nope" }] }]],
  ] as const)("refuses to build with %s", (_label, groups) => {
    expect(() => buildOpenApiDocument(groups as unknown as OperationGroup[])).toThrow();
  });
});

// The asset router answers GET and HEAD of the static files and refuses any other method with its own
// 405 before the Worker runs (test/browser/docs.mjs checks both on `wrangler dev`); `exports.default.fetch`
// reaches the Worker itself, which has no route there at all (issue 15: no OpenAPI module in it).
describe("the Worker serves neither /openapi.json nor /docs", () => {
  it.each(METHODS.flatMap((method) => [OPENAPI_PATH, DOCS_PATH].map((path) => [method.toUpperCase(), path])))(
    "answers %s %s with its 404",
    async (method, path) => {
      const response = await call(path, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get("Allow")).toBeNull();
      expect(await json(response)).toEqual({ error: "not_found" });
    },
  );
});
