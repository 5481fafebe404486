import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { admin, call, configKeys, json, uid } from "../support/worker";

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const GENERATED_KEY = /^[A-Za-z0-9_-]{43}$/;
const DEFAULT_STATE_TTL_SECONDS = 14 * 24 * 3600;

/** SHA-256 hex computed here, independently of the code under test. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The app record as KV holds it (docs/storage.md#kv-records: `app:<appId>`). */
async function stored(appId: string): Promise<string | null> {
  return env.CONFIG.get(`app:${appId}`);
}

function newApp(overrides: Record<string, unknown> = {}) {
  return {
    appId: uid("app"),
    ipAllowlist: ["203.0.113.0/24", "2001:db8::1"],
    workflows: ["wf-1"],
    ...overrides,
  };
}

async function createApp(overrides: Record<string, unknown> = {}) {
  const input = newApp(overrides);
  const response = await admin("POST", "/apps", input);
  expect(response.status).toBe(201);
  return { input, body: await json(response) };
}

function invalid(message: string) {
  return { error: { code: "invalid_request", message } };
}

function rawPost(path: string, body: string, contentType: string | null): Promise<Response> {
  const headers = new Headers({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  if (contentType !== null) headers.set("Content-Type", contentType);
  return call(`/admin/v1${path}`, { method: "POST", headers, body });
}

describe("admin authentication", () => {
  const UNAUTHORIZED = { error: { code: "unauthorized", message: "A valid admin bearer token is required" } };

  it.each([
    ["no Authorization header", () => undefined],
    ["an empty bearer", () => "Bearer "],
    ["a wrong token", () => "Bearer not-the-admin-token"],
    ["the token with one character more", () => `Bearer ${env.ADMIN_TOKEN}x`],
    ["the token with one character less", () => `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}`],
    ["the token without the Bearer scheme", () => env.ADMIN_TOKEN],
    ["the token as Basic credentials", () => `Basic ${env.ADMIN_TOKEN}`],
    ["the token in upper case", () => `Bearer ${env.ADMIN_TOKEN.toUpperCase()}`],
    ["the token twice", () => `Bearer ${env.ADMIN_TOKEN}${env.ADMIN_TOKEN}`],
  ])("refuses %s with 401 and writes nothing", async (_, authorization) => {
    const before = await configKeys();
    const headers = new Headers({ "Content-Type": "application/json" });
    const value = authorization();
    if (value !== undefined) headers.set("Authorization", value);
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers,
      body: JSON.stringify(newApp()),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toBe('Bearer realm="authedge-admin"');
    expect(await json(response)).toEqual(UNAUTHORIZED);
    expect(await configKeys()).toEqual(before);
  });

  it.each([
    ["no header", undefined],
    ["a short token", "Bearer x"],
    ["a long token", `Bearer ${"x".repeat(4096)}`],
  ])("compares in constant time over fixed-length digests, even for %s", async (_, authorization) => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
    try {
      const response = await call("/admin/v1/apps", {
        headers: authorization === undefined ? {} : { Authorization: authorization },
      });
      expect(response.status).toBe(401);
      expect(compare).toHaveBeenCalledTimes(1);
      const [a, b] = compare.mock.calls[0]!;
      expect([a.byteLength, b.byteLength]).toEqual([32, 32]);
    } finally {
      compare.mockRestore();
    }
  });

  it("answers 401, not 404, for unknown admin paths without the token, so routes are not revealed", async () => {
    const response = await call("/admin/v1/definitely-not-a-route");
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
  });

  it("admits the right bearer token", async () => {
    const response = await admin("GET", `/apps/${uid("missing")}`);
    expect(response.status).toBe(404);
  });
});

describe("POST /admin/v1/apps", () => {
  it("keeps every answer of a route that can show a secret out of caches, refusals included", async () => {
    const input = newApp();
    expect((await admin("POST", "/apps", input)).status).toBe(201);
    const again = await admin("POST", "/apps", input);
    expect(again.status).toBe(409);
    expect(again.headers.get("Cache-Control")).toBe("no-store");
    const invalidBody = await admin("POST", "/apps", { appId: "" });
    expect(invalidBody.status).toBe(400);
    expect(invalidBody.headers.get("Cache-Control")).toBe("no-store");
  });

  it("creates an app with a generated key, returned once and stored only as its SHA-256", async () => {
    const input = newApp({ name: "Acme", stateTtlSeconds: 3600 });
    const response = await admin("POST", "/apps", input);
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(response);
    expect(body).toEqual({
      appId: input.appId,
      appKey: expect.stringMatching(GENERATED_KEY),
      name: "Acme",
      ipAllowlist: input.ipAllowlist,
      workflows: input.workflows,
      stateTtlSeconds: 3600,
      requestKeys: [],
      previousKeyExpiresAt: null,
      createdAt: expect.stringMatching(ISO_TIME),
      updatedAt: body.createdAt,
    });
    expect(response.headers.get("ETag")).toMatch(/^"[^"]+"$/);
    const raw = await stored(input.appId);
    expect(raw).not.toContain(body.appKey);
    expect(JSON.parse(raw!)).toEqual({
      appId: input.appId,
      name: "Acme",
      appKeySha256: await sha256(body.appKey),
      ipAllowlist: input.ipAllowlist,
      workflows: input.workflows,
      stateTtlSeconds: 3600,
      requestKeys: {},
      incarnation: expect.stringMatching(/^[0-9a-f]{32}$/),
      createdAt: body.createdAt,
      updatedAt: body.createdAt,
    });
  });

  it("generates a different key for every app", async () => {
    const [a, b] = await Promise.all([createApp(), createApp()]);
    expect(a.body.appKey).not.toBe(b.body.appKey);
  });

  it("applies the defaults: no name, the 14-day state TTL", async () => {
    const { input, body } = await createApp();
    expect(body).toMatchObject({ name: null, stateTtlSeconds: DEFAULT_STATE_TTL_SECONDS });
    expect(JSON.parse((await stored(input.appId))!)).not.toHaveProperty("name");
  });

  it("imports an existing appKey of 16 characters without echoing it", async () => {
    const appKey = "0123456789abcdef";
    const { input, body } = await createApp({ appKey });
    expect(body).not.toHaveProperty("appKey");
    expect(JSON.stringify(body)).not.toContain(appKey);
    const raw = (await stored(input.appId))!;
    expect(raw).not.toContain(appKey);
    expect(JSON.parse(raw).appKeySha256).toBe(await sha256(appKey));
  });

  it.each([["0.0.0.0/0"], ["::/0"]])("accepts %s as a deliberate 'anyone' entry", async (entry) => {
    const { input, body } = await createApp({ ipAllowlist: [entry] });
    expect(body.ipAllowlist).toEqual([entry]);
    expect(JSON.parse((await stored(input.appId))!).ipAllowlist).toEqual([entry]);
  });

  it("accepts an empty allowlist and no workflows (the app then admits no one)", async () => {
    const { body } = await createApp({ ipAllowlist: [], workflows: [] });
    expect(body).toMatchObject({ ipAllowlist: [], workflows: [] });
  });

  it("accepts an id of 128 characters using every allowed character class", async () => {
    const appId = `Az09._:@-${crypto.randomUUID()}`.padEnd(128, "x");
    const { body } = await createApp({ appId });
    expect(body.appId).toBe(appId);
    const read = await admin("GET", `/apps/${encodeURIComponent(appId)}`);
    expect(read.status).toBe(200);
    expect((await json(read)).appId).toBe(appId);
  });

  it.each([["application/json; charset=utf-8"], ["Application/JSON"]])(
    "reads the body as JSON with content type %s",
    async (contentType) => {
      const input = newApp();
      const response = await rawPost("/apps", JSON.stringify(input), contentType);
      expect(response.status).toBe(201);
      expect(await stored(input.appId)).not.toBeNull();
    },
  );

  it("answers 409 for an existing appId and leaves the original intact", async () => {
    const { input, body } = await createApp({ name: "Original" });
    const before = await stored(input.appId);
    const response = await admin("POST", "/apps", {
      ...input,
      name: "Impostor",
      appKey: "impostor-key-0123456789",
      ipAllowlist: ["0.0.0.0/0"],
    });
    expect(response.status).toBe(409);
    expect(await json(response)).toEqual({
      error: { code: "conflict", message: `App ${input.appId} already exists` },
    });
    expect(await stored(input.appId)).toBe(before);
    expect(JSON.parse(before!).appKeySha256).toBe(await sha256(body.appKey));
  });

  const tooLongId = "x".repeat(129);
  const ID_MESSAGE = "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -";
  const badBodies: Array<[string, Record<string, unknown>, string]> = [
    [
      "a bad CIDR prefix",
      { ipAllowlist: ["10.0.0.0/33"] },
      'ipAllowlist.0: not an IP address or CIDR range: "10.0.0.0/33"',
    ],
    [
      "a CIDR with host bits set",
      { ipAllowlist: ["10.0.0.5/24"] },
      'ipAllowlist.0: CIDR range has host bits set: "10.0.0.5/24"',
    ],
    [
      "a prefix with a leading zero",
      { ipAllowlist: ["203.0.113.5", "10.0.0.0/08"] },
      'ipAllowlist.1: not an IP address or CIDR range: "10.0.0.0/08"',
    ],
    [
      "a non-canonical address",
      { ipAllowlist: ["010.0.0.1"] },
      'ipAllowlist.0: not an IP address or CIDR range: "010.0.0.1"',
    ],
    [
      "a zone id",
      { ipAllowlist: ["fe80::1%eth0"] },
      'ipAllowlist.0: not an IP address or CIDR range: "fe80::1%eth0"',
    ],
    [
      "a hostname",
      { ipAllowlist: ["localhost"] },
      'ipAllowlist.0: not an IP address or CIDR range: "localhost"',
    ],
    [
      "a duplicate allowlist entry",
      { ipAllowlist: ["10.0.0.0/8", "10.0.0.0/8"] },
      'ipAllowlist.1: duplicate entry "10.0.0.0/8"',
    ],
    [
      "an IPv4 entry repeated in IPv4-mapped form",
      { ipAllowlist: ["203.0.113.5", "::ffff:203.0.113.5"] },
      'ipAllowlist.1: duplicate entry "::ffff:203.0.113.5"',
    ],
    [
      "an IPv6 entry repeated in another spelling",
      { ipAllowlist: ["2001:db8::1", "2001:DB8:0:0:0:0:0:1/128"] },
      'ipAllowlist.1: duplicate entry "2001:DB8:0:0:0:0:0:1/128"',
    ],
    ["a duplicate workflow", { workflows: ["wf-1", "wf-2", "wf-1"] }, 'workflows.2: duplicate entry "wf-1"'],
    ["a workflow id with a space", { workflows: ["wf 1"] }, `workflows.0: ${ID_MESSAGE}`],
    ["an appId with a space", { appId: "has space" }, `appId: ${ID_MESSAGE}`],
    ["an appId with a slash", { appId: "a/b" }, `appId: ${ID_MESSAGE}`],
    ["an appId with non-ASCII letters", { appId: "ünïcode" }, `appId: ${ID_MESSAGE}`],
    ["an empty appId", { appId: "" }, `appId: ${ID_MESSAGE}`],
    ["a 129-character appId", { appId: tooLongId }, `appId: ${ID_MESSAGE}`],
    ["an unknown field", { extra: true }, 'body: Unrecognized key: "extra"'],
    ["a numeric appId", { appId: 42 }, "appId: Invalid input: expected string, received number"],
    ["a null appId", { appId: null }, "appId: Invalid input: expected string, received null"],
    ["a missing appId", { appId: undefined }, "appId: is required"],
    ["a missing allowlist", { ipAllowlist: undefined }, "ipAllowlist: is required"],
    ["a missing workflows list", { workflows: undefined }, "workflows: is required"],
    [
      "an allowlist given as a string",
      { ipAllowlist: "203.0.113.5" },
      "ipAllowlist: Invalid input: expected array, received string",
    ],
    [
      "a number in the allowlist",
      { ipAllowlist: [2130706433] },
      "ipAllowlist.0: Invalid input: expected string, received number",
    ],
    [
      "a state TTL given as a string",
      { stateTtlSeconds: "3600" },
      "stateTtlSeconds: Invalid input: expected number, received string",
    ],
    [
      "a fractional state TTL",
      { stateTtlSeconds: 3600.5 },
      "stateTtlSeconds: Invalid input: expected int, received number",
    ],
    [
      "a state TTL under a minute",
      { stateTtlSeconds: 59 },
      "stateTtlSeconds: Too small: expected number to be >=60",
    ],
    ["an empty name", { name: "" }, "name: Too small: expected string to have >=1 characters"],
    [
      "an imported appKey of 15 characters",
      { appKey: "0123456789abcde" },
      "appKey: Too small: expected string to have >=16 characters",
    ],
    [
      "an imported appKey that is not a string",
      { appKey: 1234567890123456 },
      "appKey: Invalid input: expected string, received number",
    ],
  ];

  it.each(badBodies)(
    "refuses %s with a 400 naming the field, writing nothing",
    async (_, overrides, message) => {
      const before = await configKeys();
      const input = newApp(overrides);
      const response = await admin("POST", "/apps", input);
      expect(response.status).toBe(400);
      expect(await json(response)).toEqual(invalid(message));
      expect(await configKeys()).toEqual(before);
    },
  );

  const badRequests: Array<[string, string, string | null, string]> = [
    ["a text/plain body", JSON.stringify(newApp()), "text/plain", "appId: is required"],
    ["a form body", "appId=x&workflows=y", "application/x-www-form-urlencoded", "appId: is required"],
    ["no content type", JSON.stringify(newApp()), null, "appId: is required"],
    ["malformed JSON", '{"appId": "x",', "application/json", "Request body is not valid JSON"],
    ["an empty JSON body", "", "application/json", "Request body is not valid JSON"],
    ["a JSON array", "[]", "application/json", "body: Invalid input: expected object, received array"],
    ["a JSON string", '"app"', "application/json", "body: Invalid input: expected object, received string"],
    ["a JSON number", "42", "application/json", "body: Invalid input: expected object, received number"],
    ["JSON null", "null", "application/json", "body: Invalid input: expected object, received null"],
  ];

  it.each(badRequests)("refuses %s with a 400, writing nothing", async (_, body, contentType, message) => {
    const before = await configKeys();
    const response = await rawPost("/apps", body, contentType);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid(message));
    expect(await configKeys()).toEqual(before);
  });
});

describe("GET /admin/v1/apps/{appId}", () => {
  it("shows the app without its key or the key's hash", async () => {
    const { input, body: created } = await createApp({ name: "Shown" });
    const response = await admin("GET", `/apps/${input.appId}`);
    expect(response.status).toBe(200);
    const { appKey: _, ...view } = created;
    expect(await json(response)).toEqual(view);
    const text = JSON.stringify(view);
    expect(text).not.toContain(created.appKey);
    expect(text).not.toContain(await sha256(created.appKey));
  });

  it("answers 404 for an unknown app", async () => {
    const appId = uid("missing");
    const response = await admin("GET", `/apps/${appId}`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: `No app ${appId}` } });
  });

  it.each([
    ["a 129-character id", "x".repeat(129)],
    ["an id with an encoded slash", "a%2Fb"],
    ["an id with an encoded space", "a%20b"],
  ])("answers 400 for %s in the path", async (_, segment) => {
    const response = await admin("GET", `/apps/${segment}`);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid("appId: must be 1-128 characters of A-Z a-z 0-9 . _ : @ -"));
  });
});

describe("PATCH /admin/v1/apps/{appId}", () => {
  it("changes the given fields only, keeping the key and createdAt", async () => {
    const { input, body: created } = await createApp({ name: "Before" });
    const before = JSON.parse((await stored(input.appId))!);
    const response = await admin("PATCH", `/apps/${input.appId}`, {
      name: "After",
      ipAllowlist: ["198.51.100.0/24"],
      workflows: ["wf-2", "wf-3"],
      stateTtlSeconds: 7200,
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toEqual({
      ...created,
      appKey: undefined,
      name: "After",
      ipAllowlist: ["198.51.100.0/24"],
      workflows: ["wf-2", "wf-3"],
      stateTtlSeconds: 7200,
      updatedAt: expect.stringMatching(ISO_TIME),
    });
    expect(body).not.toHaveProperty("appKey");
    expect(body.updatedAt >= created.updatedAt).toBe(true);
    expect(JSON.parse((await stored(input.appId))!)).toEqual({
      ...before,
      name: "After",
      ipAllowlist: ["198.51.100.0/24"],
      workflows: ["wf-2", "wf-3"],
      stateTtlSeconds: 7200,
      updatedAt: body.updatedAt,
    });
  });

  it("leaves unspecified fields as they were", async () => {
    const { input } = await createApp({ name: "Kept" });
    const response = await admin("PATCH", `/apps/${input.appId}`, { workflows: ["wf-9"] });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      name: "Kept",
      ipAllowlist: input.ipAllowlist,
      workflows: ["wf-9"],
    });
  });

  it.each([
    [
      "a CIDR with host bits set",
      { ipAllowlist: ["10.0.0.5/24"] },
      'ipAllowlist.0: CIDR range has host bits set: "10.0.0.5/24"',
    ],
    ["a duplicate workflow", { workflows: ["a", "a"] }, 'workflows.1: duplicate entry "a"'],
    [
      "an appKey (keys change only by rotation)",
      { appKey: "0123456789abcdef0" },
      'body: Unrecognized key: "appKey"',
    ],
    ["an appId (ids never change)", { appId: "renamed" }, 'body: Unrecognized key: "appId"'],
    ["an unknown field", { owner: "x" }, 'body: Unrecognized key: "owner"'],
    [
      "a wrong type",
      { stateTtlSeconds: "60" },
      "stateTtlSeconds: Invalid input: expected number, received string",
    ],
  ])("refuses %s with a 400 and leaves the record unchanged", async (_, changes, message) => {
    const { input } = await createApp();
    const before = await stored(input.appId);
    const response = await admin("PATCH", `/apps/${input.appId}`, changes);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid(message));
    expect(await stored(input.appId)).toBe(before);
  });

  it("answers 404 for an unknown app and creates nothing", async () => {
    const appId = uid("missing");
    const response = await admin("PATCH", `/apps/${appId}`, { name: "x" });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: `No app ${appId}` } });
    expect(await stored(appId)).toBeNull();
  });
});

describe("DELETE /admin/v1/apps/{appId}", () => {
  it("deletes the app; it is then gone for reads and a second delete", async () => {
    const { input } = await createApp();
    const response = await admin("DELETE", `/apps/${input.appId}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect(await stored(input.appId)).toBeNull();
    expect((await admin("GET", `/apps/${input.appId}`)).status).toBe(404);
    const again = await admin("DELETE", `/apps/${input.appId}`);
    expect(again.status).toBe(404);
    expect(await json(again)).toEqual({ error: { code: "not_found", message: `No app ${input.appId}` } });
  });

  it("lets the id be created again after deletion", async () => {
    const { input } = await createApp();
    expect((await admin("DELETE", `/apps/${input.appId}`)).status).toBe(204);
    expect((await admin("POST", "/apps", input)).status).toBe(201);
  });
});

describe("POST /admin/v1/apps/{appId}/rotate-key", () => {
  it("returns a new key once and replaces the stored hash, leaving the rest", async () => {
    const { input, body: created } = await createApp();
    const before = JSON.parse((await stored(input.appId))!);
    const response = await admin("POST", `/apps/${input.appId}/rotate-key`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(response);
    expect(body).toEqual({
      appId: input.appId,
      appKey: expect.stringMatching(GENERATED_KEY),
      previousKeyExpiresAt: null,
    });
    expect(body.appKey).not.toBe(created.appKey);
    const raw = (await stored(input.appId))!;
    expect(raw).not.toContain(body.appKey);
    const after = JSON.parse(raw);
    expect(after.appKeySha256).toBe(await sha256(body.appKey));
    expect(after.appKeySha256).not.toBe(before.appKeySha256);
    expect(after).toEqual({ ...before, appKeySha256: after.appKeySha256, updatedAt: after.updatedAt });
  });

  it("rotates an imported key to a generated one", async () => {
    const { input } = await createApp({ appKey: "imported-key-0123456789" });
    const body = await json(await admin("POST", `/apps/${input.appId}/rotate-key`));
    expect(body.appKey).toMatch(GENERATED_KEY);
    expect(JSON.parse((await stored(input.appId))!).appKeySha256).toBe(await sha256(body.appKey));
  });

  it("answers 404 for an unknown app and creates nothing", async () => {
    const appId = uid("missing");
    const response = await admin("POST", `/apps/${appId}/rotate-key`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: `No app ${appId}` } });
    expect(await stored(appId)).toBeNull();
  });
});
