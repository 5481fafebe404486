import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderAdminFault } from "../../src/admin/errors";
import { renderCprFault } from "../../src/cpr/errors";
import worker from "../../src/index";
import { renderOAuthFault } from "../../src/oauth/errors";
import { renderPortalFault } from "../../src/portal/errors";
import { type FaultRenderer, renderPlainFault } from "../../src/shared/fault";
import { forgetSigningKeyRing } from "../../src/shared/signing-key-ring";
import { renderCustomerApiFault, renderUpiFault } from "../../src/upi/errors";
import { envWithOwnKeyStore } from "../support/signing-key-store";
import { provisionApp } from "../support/tenants";
import { BASE_URL, call, json, TEST_IP, uid } from "../support/worker";

const GENERATED_REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BODY_BYTES = 64 * 1024;
const adminAuth = () => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });

/** Asserts a fault response: status, the family's exact envelope, JSON, a request id. */
async function expectFault(response: Response, render: FaultRenderer, fault: Parameters<FaultRenderer>[0]) {
  const wire = render(fault);
  expect(response.status).toBe(wire.status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(response.headers.get("X-Request-Id")).toMatch(GENERATED_REQUEST_ID);
  expect(await json(response)).toEqual(wire.body);
}

describe("request ids", () => {
  it("serves /healthz with a generated request id", async () => {
    const response = await call("/healthz");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
    expect(response.headers.get("X-Request-Id")).toMatch(GENERATED_REQUEST_ID);
  });

  it.each([["abc-123_x.y:z"], ["A"], ["a".repeat(128)]])(
    "echoes the well-formed incoming request id %s",
    async (incoming) => {
      const response = await call("/healthz", { headers: { "X-Request-Id": incoming } });
      expect(response.headers.get("X-Request-Id")).toBe(incoming);
    },
  );

  it.each([["a".repeat(129)], ["has space"], ["semi;colon"], ["slash/x"], ["percent%20"], ["tab\there"]])(
    "replaces the malformed incoming request id %j with a generated one",
    async (incoming) => {
      const response = await call("/healthz", { headers: { "X-Request-Id": incoming } });
      expect(response.headers.get("X-Request-Id")).toMatch(GENERATED_REQUEST_ID);
    },
  );

  it("sets a request id on error responses too", async () => {
    const response = await call("/nope", { headers: { "X-Request-Id": "trace-404" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("X-Request-Id")).toBe("trace-404");
  });
});

describe("unknown routes: 404 in the owning family's envelope", () => {
  it.each([
    ["CPR", "/v2/definitely-not-a-route", renderCprFault],
    ["portal", "/api_auth/definitely-not-a-route", renderPortalFault],
    ["UPI", "/hyperapi/definitely-not-a-route", renderUpiFault],
    ["UPI Customer API", "/customers/c-1/definitely-not-a-route", renderCustomerApiFault],
    ["OAuth", "/oauth/definitely-not-a-route", renderOAuthFault],
    ["admin, outside /admin/v1", "/admin/definitely-not-a-route", renderAdminFault],
    ["plain", "/definitely-not-a-route", renderPlainFault],
    ["plain, only a prefix of a family's path", "/api_authx", renderPlainFault],
    ["plain, no trailing slash after v2", "/v2", renderPlainFault],
  ])("%s: %s", async (_, path, render) => {
    await expectFault(await call(path), render, "not_found");
    await expectFault(await call(path, { method: "POST" }), render, "not_found");
  });

  it("answers an unknown admin path with 404 once the admin token is right", async () => {
    const response = await call("/admin/v1/definitely-not-a-route", { headers: adminAuth() });
    await expectFault(response, renderAdminFault, "not_found");
  });

  it("answers the plain 404 as {error: not_found}", async () => {
    const response = await call("/definitely-not-a-route");
    expect(await json(response)).toEqual({ error: "not_found" });
  });
});

describe("known routes, wrong method: 405 with Allow", () => {
  it.each([
    ["plain", "POST", "/healthz", {}, "GET, HEAD", renderPlainFault],
    ["plain", "DELETE", "/.well-known/jwks.json", {}, "GET, HEAD", renderPlainFault],
    ["admin", "PUT", "/admin/v1/apps/some-app", adminAuth(), "DELETE, GET, HEAD, PATCH", renderAdminFault],
    ["admin", "GET", "/admin/v1/apps/some-app/rotate-key", adminAuth(), "POST", renderAdminFault],
    ["CPR", "GET", "/v2/auth/token", {}, "POST", renderCprFault],
    ["portal", "DELETE", "/api_auth", {}, "GET, POST", renderPortalFault],
    ["UPI", "GET", "/hyperapi/process", {}, "POST", renderUpiFault],
    ["OAuth", "GET", "/oauth/introspect", {}, "POST", renderOAuthFault],
  ])("%s: %s %s", async (_, method, path, headers, allow, render) => {
    const response = await call(path, { method, headers });
    expect(response.headers.get("Allow")).toBe(allow);
    await expectFault(response, render, "method_not_allowed");
  });

  it("asks for the admin token before revealing which methods an admin route has", async () => {
    const response = await call("/admin/v1/apps/some-app/rotate-key");
    expect(response.status).toBe(401);
    expect(response.headers.get("Allow")).toBeNull();
  });
});

describe("request bodies over 64 KiB: 413 before parsing", () => {
  const families: Array<[string, string, FaultRenderer]> = [
    ["CPR", "/v2/auth/token", renderCprFault],
    ["portal", "/api_auth", renderPortalFault],
    ["UPI", "/hyperapi/process", renderUpiFault],
    ["UPI Customer API", "/customers", renderCustomerApiFault],
    ["OAuth", "/oauth/introspect", renderOAuthFault],
    ["admin", "/admin/v1/apps", renderAdminFault],
    ["plain", "/definitely-not-a-route", renderPlainFault],
  ];

  it.each(families)("%s: refuses %s with one byte too many", async (_, path, render) => {
    const response = await call(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...adminAuth() },
      body: "x".repeat(MAX_BODY_BYTES + 1),
    });
    await expectFault(response, render, "payload_too_large");
  });

  it.each(families)("%s: lets exactly 64 KiB through to %s", async (_, path) => {
    const response = await call(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...adminAuth() },
      body: "x".repeat(MAX_BODY_BYTES),
    });
    expect(response.status).not.toBe(413);
  });

  it("refuses a streamed body without Content-Length once it passes 64 KiB", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const request = new Request(`${BASE_URL}/admin/v1/apps`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": TEST_IP, ...adminAuth() },
      body,
    });
    expect(request.headers.get("Content-Length")).toBeNull();
    await expectFault(await worker.fetch(request, env), renderAdminFault, "payload_too_large");
  });
});

describe("internal faults: the family's 500/503, nothing internal in the body", () => {
  const INTERNAL_DETAIL = "kv exploded at shard 7 with token s3cr3t";

  function adminRequest(path: string, method = "GET"): Request {
    return new Request(`${BASE_URL}/admin/v1${path}`, {
      method,
      headers: { "CF-Connecting-IP": TEST_IP, ...adminAuth() },
    });
  }

  async function expectNoInternals(response: Response) {
    const text = await response.clone().text();
    for (const leak of ["ConfigStoreError", "corrupt", "stack", "s3cr3t", "shard", env.ADMIN_TOKEN]) {
      expect(text).not.toContain(leak);
    }
  }

  // docs/storage.md#tenant-objects: the admin API reads the tenant's object, not its KV copy; a corrupt copy
  // is a fault only for the hot paths (next test), and the object's next publish replaces it.
  it("answers the admin API from the tenant's object when its KV copy is corrupt, and repairs the copy", async () => {
    const app = await provisionApp();
    await env.CONFIG.put(`app:${app.appId}`, "{corrupt");
    const read = await call(`/admin/v1/apps/${app.appId}`, { headers: adminAuth() });
    expect(read.status).toBe(200);
    await expectNoInternals(read);
    const patched = await call(`/admin/v1/apps/${app.appId}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", ...adminAuth() },
      body: JSON.stringify({ name: "repaired" }),
    });
    expect(patched.status).toBe(200);
    expect(JSON.parse((await env.CONFIG.get(`app:${app.appId}`))!)).toMatchObject({
      appId: app.appId,
      name: "repaired",
    });
  });

  it("answers a CPR request for an app whose record is corrupt with the CPR 500, not a 401 or a token", async () => {
    const app = await provisionApp();
    await env.CONFIG.put(`app:${app.appId}`, JSON.stringify({ appId: app.appId, appKeySha256: 42 }));
    const response = await call("/v2/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        appId: app.appId,
        appKey: app.appKey,
        transactionId: uid("txn"),
        workflowId: app.workflowId,
      }),
    });
    await expectNoInternals(response);
    await expectFault(response, renderCprFault, "internal");
  });

  /** The tenant objects' namespace with every RPC call rejecting, as a broken or overloaded object does. */
  function failingTenants(error: Error): Env["TENANTS"] {
    const stub = new Proxy(
      {},
      { get: (_t, property) => (property === "then" ? undefined : () => Promise.reject(error)) },
    );
    return new Proxy(env.TENANTS, {
      get(target, property) {
        if (property === "getByName" || property === "get") return () => stub;
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  }

  it("answers a failing binding with the family's 500 and no detail", async () => {
    const response = await worker.fetch(adminRequest(`/apps/${uid("app")}`), {
      ...env,
      TENANTS: failingTenants(new Error(INTERNAL_DETAIL)),
    });
    await expectNoInternals(response);
    await expectFault(response, renderAdminFault, "internal");
  });

  it("answers an overloaded error with the family's 503 and Retry-After", async () => {
    const overloaded = Object.assign(new Error(INTERNAL_DETAIL), { overloaded: true });
    const response = await worker.fetch(adminRequest(`/apps/${uid("app")}`), {
      ...env,
      TENANTS: failingTenants(overloaded),
    });
    expect(response.headers.get("Retry-After")).toBe("1");
    await expectNoInternals(response);
    await expectFault(response, renderAdminFault, "unavailable");
  });

  it("answers a missing ADMIN_TOKEN with the admin 500, never letting a request through", async () => {
    const response = await worker.fetch(adminRequest(`/apps/${uid("app")}`), { ...env, ADMIN_TOKEN: "" });
    await expectFault(response, renderAdminFault, "internal");
  });

  it.each([
    ["a missing SIGNING_KEYS on an empty store", { SIGNING_KEYS: "" }],
    ["a corrupt SIGNING_KEYS on an empty store", { SIGNING_KEYS: '{"keys":[{"kty":"EC"' }],
    ["a missing KEY_ENCRYPTION_SECRET on an empty store", { KEY_ENCRYPTION_SECRET: "" }],
  ])("answers %s on the JWKS route with the plain 500, never an empty set", async (_, changes) => {
    const request = new Request(`${BASE_URL}/.well-known/jwks.json`, {
      headers: { "CF-Connecting-IP": TEST_IP },
    });
    // A missing SIGNING_KEYS alone is fine (the store generates its first key); here the secret
    // that seals it is missing too, or the key set is corrupt.
    const broken = envWithOwnKeyStore(
      "SIGNING_KEYS" in changes && changes.SIGNING_KEYS === ""
        ? { ...changes, KEY_ENCRYPTION_SECRET: "" }
        : changes,
    );
    const response = await worker.fetch(request, broken);
    forgetSigningKeyRing();
    const text = await response.clone().text();
    for (const name of ["SIGNING_KEYS", "KEY_ENCRYPTION_SECRET"]) expect(text).not.toContain(name);
    await expectFault(response, renderPlainFault, "internal");
  });
});

describe("logs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("writes one JSON line per request with id, route, status and outcome, and no secret", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const appKey = `imported-${crypto.randomUUID()}`;
    const appId = uid("app");
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "log-test-1", ...adminAuth() },
      body: JSON.stringify({ appId, appKey, ipAllowlist: [], workflows: [] }),
    });
    expect(response.status).toBe(201);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      requestId: "log-test-1",
      method: "POST",
      route: "/admin/v1/apps",
      status: 201,
      outcome: "ok",
      ms: expect.any(Number),
      principal: "admin",
      appId,
      action: "app_created",
    });
    expect(lines[0]).not.toContain(appKey);
    expect(lines[0]).not.toContain(env.ADMIN_TOKEN);
  });

  it("logs the reason for a denial, not the presented token", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    const presented = `wrong-${crypto.randomUUID()}`;
    await call("/admin/v1/apps", { headers: { Authorization: `Bearer ${presented}` } });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      status: 401,
      outcome: "denied",
      reason: "admin_token_mismatch",
    });
    expect(lines[0]).not.toContain(presented);
  });
});
