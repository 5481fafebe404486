import { afterEach, describe, expect, it, vi } from "vitest";
import { admin, call, json, uid } from "../support/worker";

/**
 * docs/http.md#logs: a request's single JSON log line carries the reason for a denial, and never a secret or
 * a full email. Each request is found by its `X-Request-Id`.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs one admin request with the console captured; returns its response and its log line. */
async function logged(request: () => Promise<Response>) {
  const lines: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    lines.push(String(line));
  });
  const response = await request();
  const requestId = response.headers.get("X-Request-Id");
  const own = lines.filter((line) => line.includes(`"requestId":${JSON.stringify(requestId)}`));
  expect(own).toHaveLength(1);
  return { response, raw: lines.join("\n"), line: JSON.parse(own[0]!) };
}

function newApp(overrides: Record<string, unknown> = {}) {
  return { appId: uid("app"), ipAllowlist: ["203.0.113.0/24"], workflows: ["wf-1"], ...overrides };
}

const SHORT_APP_KEY = "short-secret-15";
const NOT_A_PEM = "-----BEGIN PUBLIC KEY-----\nbm90LWEta2V5LXNlY3JldA==\n-----END PUBLIC KEY-----";
const EMAIL = `jane.private.${crypto.randomUUID().slice(0, 8)}@example.com`;

describe("admin refusals in the log", () => {
  it.each([
    {
      what: "a short imported appKey (validation hook)",
      request: () => admin("POST", "/apps", newApp({ appKey: SHORT_APP_KEY })),
      status: 400,
      reason: "invalid_request",
      detail: "appKey: Too small: expected string to have >=16 characters",
      secret: SHORT_APP_KEY,
    },
    {
      what: "an unusable request key (route check)",
      request: () => admin("PUT", `/apps/${uid("app")}/request-keys/k1`, { publicKey: NOT_A_PEM }),
      status: 400,
      reason: "invalid_request",
      detail: "publicKey is neither an RSA nor a P-256 public key",
      secret: "bm90LWEta2V5LXNlY3JldA",
    },
    {
      what: "an unknown user, by a full email",
      request: () => admin("GET", `/users/${encodeURIComponent(EMAIL)}`),
      status: 404,
      reason: "not_found",
      detail: `No user ${EMAIL[0]}***@e***.com`,
      secret: EMAIL.split("@")[0]!,
    },
  ])(
    "logs the reason of $what ($status) without its secret",
    async ({ request, status, reason, detail, secret }) => {
      const { response, raw, line } = await logged(request);
      expect(response.status).toBe(status);
      expect(await json(response)).toEqual({ error: { code: reason, message: detail } });
      expect(line).toMatchObject({ status, outcome: "denied", reason, detail });
      expect(raw).not.toContain(secret);
    },
  );

  it("logs not_found for an unknown app and conflict for an existing one", async () => {
    const missing = uid("app");
    const notFound = await logged(() => admin("GET", `/apps/${missing}`));
    expect(notFound.response.status).toBe(404);
    expect(notFound.line).toMatchObject({ reason: "not_found", detail: `No app ${missing}` });

    const appKey = "imported-key-0123456789";
    const input = newApp({ appKey });
    expect((await admin("POST", "/apps", input)).status).toBe(201);
    const conflict = await logged(() => admin("POST", "/apps", input));
    expect(conflict.response.status).toBe(409);
    expect(await json(conflict.response)).toEqual({
      error: { code: "conflict", message: `App ${input.appId} already exists` },
    });
    expect(conflict.line).toMatchObject({
      status: 409,
      outcome: "denied",
      reason: "conflict",
      detail: `App ${input.appId} already exists`,
    });
    expect(conflict.raw).not.toContain(appKey);
  });

  it("logs the hidden cause of a 401 and no detail", async () => {
    const { response, line } = await logged(() => call("/admin/v1/apps/anything"));
    expect(response.status).toBe(401);
    expect(line).toMatchObject({ reason: "admin_token_missing" });
    expect(line).not.toHaveProperty("detail");
  });

  it("logs no reason for the accepted twin", async () => {
    const input = newApp();
    const { response, line } = await logged(() => admin("POST", "/apps", input));
    expect(response.status).toBe(201);
    expect(line).toMatchObject({ status: 201, outcome: "ok", appId: input.appId, action: "app_created" });
    expect(line).not.toHaveProperty("reason");
    expect(line).not.toHaveProperty("detail");
  });
});
