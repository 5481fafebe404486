import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { API_GROUPS } from "../../src/openapi/document";
import { STATIC_ASSET_PATHS } from "../../src/openapi/paths";
import type { OperationSpec } from "../../src/shared/openapi";
import { fetchWith } from "../hardening/fixtures";
import { provisionUser } from "../portal/support";
import { servedDocument } from "../support/openapi";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { call, json, uid } from "../support/worker";
import { type ProvisionedMerchant, provisionMerchant } from "../upi/support";

/**
 * Every status a route can answer is documented for it (issue 18): each operation of the document
 * is driven through its known refusals (no credentials, the right kind of credentials with an
 * empty, malformed, non-JSON or over-size body) and through the refusals only some routes have;
 * every status that comes back must be among the operation's documented responses, with the
 * documented envelope, and for the refusals whose messages name no id, a documented example.
 */

type OpenApiDocument = {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
};
type ResponseObject = { content?: Record<string, { examples?: Record<string, { value: unknown }> }> };

let document: OpenApiDocument;
let app: ProvisionedApp;
let merchant: ProvisionedMerchant;
beforeAll(async () => {
  document = servedDocument();
  [app, merchant] = await Promise.all([provisionApp(), provisionMerchant()]);
});

// The Worker's operations: /openapi.json and /docs are static files the asset router answers before
// the Worker runs (test/browser/docs.mjs drives them on `wrangler dev`).
const operations = API_GROUPS.flatMap((group) => group.operations).filter(
  (operation) => !STATIC_ASSET_PATHS.has(operation.path),
);

/** A concrete path for an OpenAPI path, with fresh values for its parameters. */
function concretePath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    if (name === "id") return "999999999";
    if (name === "email") return encodeURIComponent(`${uid("u")}@example.com`);
    return uid(name);
  });
}

/** Headers of the operation's first way to authenticate, with real credentials. */
function credentials(operation: OperationSpec): Record<string, string> {
  const schemes = operation.security?.[0] ?? [];
  const headers: Record<string, string> = {};
  for (const scheme of schemes) {
    switch (scheme) {
      case "adminToken":
        headers.Authorization = `Bearer ${env.ADMIN_TOKEN}`;
        break;
      case "merchantApiKey":
        headers.Authorization = `Basic ${btoa(`${merchant.apiKey}:`)}`;
        break;
      case "merchantIdHeader":
        headers["x-merchantid"] = merchant.merchantId;
        break;
      case "cprAppIdHeader":
        headers.appid = app.appId;
        break;
      case "cprAppKeyHeader":
        headers.appkey = app.appKey;
        break;
      case "portalToken":
        headers["X-Optimus-API-Key"] = "00000000_0000_0000_0000_000000000000";
        break;
      default:
        break;
    }
  }
  return headers;
}

function send(
  operation: OperationSpec,
  headers: Record<string, string>,
  body?: [type: string, text: string],
) {
  const init: RequestInit = { method: operation.method.toUpperCase(), headers: { ...headers } };
  if (body) {
    (init.headers as Record<string, string>)["Content-Type"] = body[0];
    init.body = body[1];
  }
  return call(concretePath(operation.path), init);
}

/** The refusals every route may meet, as far as its shape allows. */
function genericRefusals(operation: OperationSpec): Array<[string, () => Promise<Response>]> {
  const authed = credentials(operation);
  const drives: Array<[string, () => Promise<Response>]> = [
    ["no credentials", () => send(operation, {})],
    ["its credentials, no body", () => send(operation, authed)],
  ];
  if (operation.requestBody) {
    drives.push(
      ["its credentials, {}", () => send(operation, authed, ["application/json", "{}"])],
      ["its credentials, malformed JSON", () => send(operation, authed, ["application/json", "{"])],
      ["its credentials, a JSON array", () => send(operation, authed, ["application/json", "[]"])],
      ["its credentials, text/plain", () => send(operation, authed, ["text/plain", "hello"])],
      [
        "its credentials, a body over 64 KiB",
        () => send(operation, authed, ["application/json", `"${"x".repeat(64 * 1024)}"`]),
      ],
    );
  }
  return drives;
}

function documented(operation: OperationSpec): Record<string, ResponseObject> {
  return document.paths[operation.path]![operation.method]!.responses;
}

/**
 * The status is documented for the operation, and an error body has the documented envelope. With
 * `exact`, the body must also be one of the documented examples (messages without ids in them).
 */
async function expectDocumented(operation: OperationSpec, response: Response, label: string, exact = false) {
  const responses = documented(operation);
  const status = String(response.status);
  expect(Object.keys(responses), `${label} answered ${status}`).toContain(status);
  const media = operation.responses[response.status]?.content?.["application/json"];
  if (!media || response.status < 400) return;
  const body = await json(response);
  const parsed = z.safeParse(media.schema, body);
  expect(parsed.success ? [] : parsed.error.issues, `${label}: the body has the documented envelope`).toEqual(
    [],
  );
  if (exact) {
    const examples = responses[status]!.content?.["application/json"]?.examples ?? {};
    expect(
      Object.values(examples).map((example) => example.value),
      `${label}: the body served is a documented example`,
    ).toContainEqual(body);
  }
}

describe("every status a route answers is documented for it", () => {
  it.each(
    operations.map(
      (operation) => [`${operation.method.toUpperCase()} ${operation.path}`, operation] as const,
    ),
  )("%s", async (label, operation) => {
    for (const [what, drive] of genericRefusals(operation)) {
      await expectDocumented(operation, await drive(), `${label}, ${what}`);
    }
  });

  const operation = (method: string, path: string) =>
    operations.find((candidate) => candidate.method === method && candidate.path === path)!;

  it.each(["get", "post"] as const)("/api_auth (%s): the rate limit's 429 and its body", async (method) => {
    const user = await provisionUser();
    const exhausted = { limit: async () => ({ success: false }) } as unknown as RateLimit;
    const response = await fetchWith(
      "/api_auth",
      {
        method: method.toUpperCase(),
        headers: { "X-User-Email": user.email, "X-User-Password": user.password },
      },
      { RATE_LIMIT_BY_IP: exhausted },
    );
    expect(response.status).toBe(429);
    await expectDocumented(
      operation(method, "/api_auth"),
      response,
      `${method} /api_auth rate-limited`,
      true,
    );
  });

  // The JWKS comes from the signing key store (docs/operations.md#signing-keys): it revalidates with 304 and
  // fails closed with the plain 500 when the store's keys cannot be opened (docs/operations.md#signing-keys).
  it("GET /.well-known/jwks.json: the 304 of a revalidation and the 500 of an unusable key store", async () => {
    const jwks = operation("get", "/.well-known/jwks.json");
    const first = await call("/.well-known/jwks.json");
    expect(first.status).toBe(200);
    const revalidated = await call("/.well-known/jwks.json", {
      headers: { "If-None-Match": first.headers.get("ETag")! },
    });
    expect(revalidated.status).toBe(304);
    await expectDocumented(jwks, revalidated, "GET /.well-known/jwks.json revalidated");
    const sealedUnderAnother = await fetchWith("/.well-known/jwks.json", {}, {
      KEY_ENCRYPTION_SECRET: "not-the-secret-that-sealed-the-keys",
    } as Partial<Env>);
    expect(sealedUnderAnother.status).toBe(500);
    await expectDocumented(jwks, sealedUnderAnother, "GET /.well-known/jwks.json, another secret", true);
  });

  it("GET /customers/{customerId}: the 400 of a bad token option and its body", async () => {
    const response = await call(`/customers/${uid("c")}?options.get_client_auth_token=maybe`, {
      headers: credentials(operation("get", "/customers/{customerId}")),
    });
    expect(response.status).toBe(400);
    await expectDocumented(
      operation("get", "/customers/{customerId}"),
      response,
      "GET /customers/{id} bad option",
    );
  });
});
