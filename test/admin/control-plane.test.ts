import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ecPublicKeyPem } from "../support/keys";
import { admin, call, json, TEST_IP, uid } from "../support/worker";
import { breakTenantObject, kvRefusingWrites } from "./support";

/**
 * docs/admin.md#versions: one writer per tenant. Every answer carries a strong ETag, every change takes
 * If-Match, and concurrent changes without it apply in turn: none is lost, whatever the interleaving.
 */

const PRECONDITION_FAILED = {
  error: {
    code: "precondition_failed",
    message: "If-Match does not name the tenant's current version; read it again (ETag) and retry",
  },
};
const STRONG_ETAG = /^"[^"]+"$/;

async function createApp(overrides: Record<string, unknown> = {}) {
  const appId = uid("app");
  const response = await admin("POST", "/apps", {
    appId,
    ipAllowlist: [TEST_IP],
    workflows: [uid("wf")],
    ...overrides,
  });
  expect(response.status).toBe(201);
  const body = await json(response);
  return { appId, appKey: body.appKey as string, etag: response.headers.get("ETag")! };
}

const copyOf = async (appId: string) => JSON.parse((await env.CONFIG.get(`app:${appId}`)) ?? "null");

/** Whether `/oauth/introspect` accepts `appId:appKey` as client credentials (200) or not (401). */
async function keyWorks(appId: string, appKey: string): Promise<boolean> {
  const response = await call("/oauth/introspect", {
    method: "POST",
    headers: {
      Authorization: `Basic ${btoa(`${appId}:${appKey}`)}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "token=not-a-token",
  });
  expect([200, 401]).toContain(response.status);
  return response.status === 200;
}

describe("ETag and If-Match (docs/admin.md#versions, RFC 9110 §13.1.1)", () => {
  it("answers every read and change about an app with a strong ETag that moves with each change", async () => {
    const app = await createApp();
    expect(app.etag).toMatch(STRONG_ETAG);
    const read = await admin("GET", `/apps/${app.appId}`);
    expect(read.headers.get("ETag")).toBe(app.etag);
    const patched = await admin("PATCH", `/apps/${app.appId}`, { name: "v2" }, { "If-Match": app.etag });
    expect(patched.status).toBe(200);
    const next = patched.headers.get("ETag")!;
    expect(next).toMatch(STRONG_ETAG);
    expect(next).not.toBe(app.etag);
    expect((await admin("GET", `/apps/${app.appId}`)).headers.get("ETag")).toBe(next);
  });

  it("keeps the ETag when a PATCH changes nothing", async () => {
    const app = await createApp({ name: "same" });
    const patched = await admin("PATCH", `/apps/${app.appId}`, { name: "same" });
    expect(patched.status).toBe(200);
    expect(patched.headers.get("ETag")).toBe(app.etag);
  });

  it.each([
    ["a stale tag", (etag: string) => etag.replace(/-(\d+)"$/, (_m, v) => `-${Number(v) + 7}"`)],
    ["the weak form of the current tag", (etag: string) => `W/${etag}`],
    ["an unquoted tag", (etag: string) => etag.slice(1, -1)],
    ["garbage", () => "not a tag"],
    ["a list of empty elements", () => ", ,"],
  ])("refuses %s with 412 and changes nothing", async (_what, tagOf) => {
    const app = await createApp({ name: "before" });
    const before = await env.CONFIG.get(`app:${app.appId}`);
    const changes: Array<[string, string, unknown]> = [
      ["PATCH", `/apps/${app.appId}`, { name: "after" }],
      ["POST", `/apps/${app.appId}/rotate-key`, undefined],
      ["DELETE", `/apps/${app.appId}/request-keys/k1`, undefined],
      ["DELETE", `/apps/${app.appId}`, undefined],
    ];
    for (const [method, path, body] of changes) {
      const response = await admin(method, path, body, { "If-Match": tagOf(app.etag) });
      expect(response.status, `${method} ${path}`).toBe(412);
      expect(await json(response)).toEqual(PRECONDITION_FAILED);
    }
    const read = await admin("GET", `/apps/${app.appId}`);
    expect(read.headers.get("ETag")).toBe(app.etag);
    expect((await json(read)).name).toBe("before");
    expect(await env.CONFIG.get(`app:${app.appId}`)).toBe(before);
    expect(await keyWorks(app.appId, app.appKey)).toBe(true);
  });

  it("accepts a list holding the current tag among others", async () => {
    const app = await createApp();
    const response = await admin(
      "PATCH",
      `/apps/${app.appId}`,
      { name: "listed" },
      {
        "If-Match": `"x-1", ${app.etag} , W/"y"`,
      },
    );
    expect(response.status).toBe(200);
  });

  it("treats If-Match: * as any current version, and answers 404 (not 412) for no tenant", async () => {
    const app = await createApp();
    const patched = await admin("PATCH", `/apps/${app.appId}`, { name: "star" }, { "If-Match": "*" });
    expect(patched.status).toBe(200);
    // RFC 9110 §13.2.1: a request that fails without its precondition fails the same with it.
    const missing = uid("missing");
    const response = await admin("PATCH", `/apps/${missing}`, { name: "x" }, { "If-Match": "*" });
    expect(response.status).toBe(404);
    expect(await env.CONFIG.get(`app:${missing}`)).toBeNull();
  });

  it("carries If-Match on merchants, merchant keys, orgs and users too", async () => {
    const merchantId = uid("m");
    const merchant = await admin("POST", "/merchants", { merchantId });
    const etag = merchant.headers.get("ETag")!;
    expect(etag).toMatch(STRONG_ETAG);
    const stale = await admin(
      "PATCH",
      `/merchants/${merchantId}`,
      { prefix: "AB" },
      { "If-Match": '"stale"' },
    );
    expect(stale.status).toBe(412);
    const rotated = await admin("POST", `/merchants/${merchantId}/rotate-key`, undefined, {
      "If-Match": etag,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get("ETag")).not.toBe(etag);

    const org = await admin("POST", "/orgs", { name: uid("org") });
    const orgTag = org.headers.get("ETag")!;
    const { id } = await json(org);
    const email = `${uid("u")}@example.com`;
    const refused = await admin(
      "POST",
      `/orgs/${id}/users`,
      { email, password: "Pw-0123456789ab" },
      {
        "If-Match": '"stale"',
      },
    );
    expect(refused.status).toBe(412);
    expect((await admin("GET", `/users/${email}`)).status).toBe(404);
    const created = await admin(
      "POST",
      `/orgs/${id}/users`,
      { email, password: "Pw-0123456789ab" },
      {
        "If-Match": orgTag,
      },
    );
    expect(created.status).toBe(201);
    const userTag = created.headers.get("ETag")!;
    expect((await admin("PATCH", `/users/${email}`, { disabled: true }, { "If-Match": orgTag })).status).toBe(
      412,
    );
    expect((await admin("POST", `/users/${email}/unlock`, undefined, { "If-Match": '"x"' })).status).toBe(
      412,
    );
    const disabled = await admin("PATCH", `/users/${email}`, { disabled: true }, { "If-Match": userTag });
    expect(disabled.status).toBe(200);
    expect((await json(disabled)).disabled).toBe(true);
  });
});

describe("concurrent changes apply in turn (docs/storage.md#tenant-objects)", () => {
  it("lets exactly one of 50 parallel creations of one id win, and the winner's key works", async () => {
    const appId = uid("app");
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        admin("POST", "/apps", { appId, name: `n${index}`, ipAllowlist: [TEST_IP], workflows: [] }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const winner = await json(responses[statuses.indexOf(201)]!);
    expect((await json(await admin("GET", `/apps/${appId}`))).name).toBe(winner.name);
    expect((await copyOf(appId)).name).toBe(winner.name);
    expect(await keyWorks(appId, winner.appKey)).toBe(true);
  });

  it("keeps both a PATCH and a rotate-key that race, 50 times in a row", async () => {
    for (let run = 0; run < 50; run++) {
      const app = await createApp({ name: "old" });
      const [patched, rotated] = await Promise.all([
        admin("PATCH", `/apps/${app.appId}`, { name: `new-${run}`, stateTtlSeconds: 120 }),
        admin("POST", `/apps/${app.appId}/rotate-key`),
      ]);
      expect(patched.status).toBe(200);
      expect(rotated.status).toBe(200);
      const { appKey } = await json(rotated);
      const read = await json(await admin("GET", `/apps/${app.appId}`));
      expect(read).toMatchObject({ name: `new-${run}`, stateTtlSeconds: 120 });
      expect(await copyOf(app.appId)).toMatchObject({ name: `new-${run}`, stateTtlSeconds: 120 });
      expect(await keyWorks(app.appId, appKey)).toBe(true);
      expect(await keyWorks(app.appId, app.appKey)).toBe(false);
    }
  });

  it("never leaves a half-deleted tenant when DELETE races PATCH and rotate-key, 50 times in a row", async () => {
    for (let run = 0; run < 50; run++) {
      const app = await createApp();
      const [deleted, patched, rotated] = await Promise.all([
        admin("DELETE", `/apps/${app.appId}`),
        admin("PATCH", `/apps/${app.appId}`, { name: "late" }),
        admin("POST", `/apps/${app.appId}/rotate-key`),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(patched.status);
      expect([200, 404]).toContain(rotated.status);
      expect((await admin("GET", `/apps/${app.appId}`)).status).toBe(404);
      expect(await env.CONFIG.get(`app:${app.appId}`)).toBeNull();
      const rotatedKey = rotated.status === 200 ? (await json(rotated)).appKey : undefined;
      for (const key of [app.appKey, rotatedKey].filter(Boolean))
        expect(await keyWorks(app.appId, key)).toBe(false);
    }
  });

  it("keeps every request key of 8 parallel PUTs", async () => {
    const app = await createApp();
    const publicKey = await ecPublicKeyPem();
    const ids = Array.from({ length: 8 }, (_, index) => `k${index}`);
    const responses = await Promise.all(
      ids.map((keyId) => admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, { publicKey })),
    );
    expect(responses.map((response) => response.status)).toEqual(ids.map(() => 201));
    const read = await json(await admin("GET", `/apps/${app.appId}`));
    expect(read.requestKeys.map((key: { keyId: string }) => key.keyId).sort()).toEqual(ids);
    expect(Object.keys((await copyOf(app.appId)).requestKeys).sort()).toEqual(ids);
  });
});

describe("a fault between the object's commit and the KV publish (docs/storage.md#tenant-objects)", () => {
  it("answers 500, keeps the change, and the next read repairs the copy", async () => {
    const app = await createApp({ name: "before" });
    const broken = await breakTenantObject("app", app.appId, { CONFIG: kvRefusingWrites() });
    const response = await admin("PATCH", `/apps/${app.appId}`, { name: "after" });
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ error: { code: "internal_error", message: "Internal error" } });
    expect((await copyOf(app.appId)).name).toBe("before");
    await broken.restore();
    const read = await admin("GET", `/apps/${app.appId}`);
    expect(read.status).toBe(200);
    expect((await json(read)).name).toBe("after");
    expect((await copyOf(app.appId)).name).toBe("after");
  });

  it("the next change repairs the copy and loses neither change", async () => {
    const app = await createApp({ name: "before" });
    const broken = await breakTenantObject("app", app.appId, { CONFIG: kvRefusingWrites() });
    expect((await admin("PATCH", `/apps/${app.appId}`, { name: "after" })).status).toBe(500);
    await broken.restore();
    expect((await admin("PATCH", `/apps/${app.appId}`, { stateTtlSeconds: 600 })).status).toBe(200);
    expect(await copyOf(app.appId)).toMatchObject({ name: "after", stateTtlSeconds: 600 });
  });

  it("a failed publish of a delete fails closed: the next read finishes it", async () => {
    const app = await createApp();
    const broken = await breakTenantObject("app", app.appId, { CONFIG: kvRefusingWrites() });
    expect((await admin("DELETE", `/apps/${app.appId}`)).status).toBe(500);
    await broken.restore();
    expect((await admin("GET", `/apps/${app.appId}`)).status).toBe(404);
    expect(await env.CONFIG.get(`app:${app.appId}`)).toBeNull();
  });
});

describe("key rotation with a grace period (docs/admin.md#grace-rotation)", () => {
  it("keeps the previous key working during the grace, shows when it ends, and a new rotation ends it", async () => {
    const app = await createApp();
    const before = Date.now();
    const first = await admin("POST", `/apps/${app.appId}/rotate-key`, { graceSeconds: 3600 });
    expect(first.status).toBe(200);
    const firstBody = await json(first);
    const expiresAt = Date.parse(firstBody.previousKeyExpiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect((await json(await admin("GET", `/apps/${app.appId}`))).previousKeyExpiresAt).toBe(
      firstBody.previousKeyExpiresAt,
    );
    expect(await keyWorks(app.appId, app.appKey)).toBe(true);
    expect(await keyWorks(app.appId, firstBody.appKey)).toBe(true);
    const stored = await copyOf(app.appId);
    expect(JSON.stringify(stored)).not.toContain(app.appKey);
    expect(stored.previousKeyExpiresAt).toBe(firstBody.previousKeyExpiresAt);

    const second = await json(await admin("POST", `/apps/${app.appId}/rotate-key`));
    expect(second.previousKeyExpiresAt).toBeNull();
    expect(await keyWorks(app.appId, app.appKey)).toBe(false);
    expect(await keyWorks(app.appId, firstBody.appKey)).toBe(false);
    expect(await keyWorks(app.appId, second.appKey)).toBe(true);
    expect((await json(await admin("GET", `/apps/${app.appId}`))).previousKeyExpiresAt).toBeNull();
  });

  it("keeps a merchant's previous API key working during the grace on the Customer API", async () => {
    const merchantId = uid("m");
    const { apiKey } = await json(await admin("POST", "/merchants", { merchantId }));
    const rotated = await json(
      await admin("POST", `/merchants/${merchantId}/rotate-key`, { graceSeconds: 60 }),
    );
    const customers = (key: string) =>
      call(`/customers/${uid("c")}`, {
        headers: { "x-merchantid": merchantId, Authorization: `Basic ${btoa(`${key}:`)}` },
      });
    expect((await customers(apiKey)).status).toBe(404);
    expect((await customers(rotated.apiKey)).status).toBe(404);
    expect((await customers("wrong-key-0123456789")).status).toBe(401);
    await admin("POST", `/merchants/${merchantId}/rotate-key`, { graceSeconds: 0 });
    expect((await customers(apiKey)).status).toBe(401);
    expect((await customers(rotated.apiKey)).status).toBe(401);
  });

  it.each([
    ["no body", undefined, undefined],
    ["an empty JSON body", "application/json", ""],
    ["an empty object", "application/json", "{}"],
  ])("rotates without grace given %s", async (_what, contentType, body) => {
    const app = await createApp();
    const headers: Record<string, string> = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
    if (contentType) headers["Content-Type"] = contentType;
    const response = await call(`/admin/v1/apps/${app.appId}/rotate-key`, { method: "POST", headers, body });
    expect(response.status).toBe(200);
    expect((await json(response)).previousKeyExpiresAt).toBeNull();
    expect(await keyWorks(app.appId, app.appKey)).toBe(false);
  });

  it("refuses a malformed JSON body with 400 and rotates nothing", async () => {
    const app = await createApp();
    const response = await call(`/admin/v1/apps/${app.appId}/rotate-key`, {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: "{graceSeconds",
    });
    expect(response.status).toBe(400);
    expect(await keyWorks(app.appId, app.appKey)).toBe(true);
  });

  it.each([[-1], [604801], [1.5], ["60"]])(
    "refuses graceSeconds %j with 400 and rotates nothing",
    async (grace) => {
      const app = await createApp();
      const response = await admin("POST", `/apps/${app.appId}/rotate-key`, { graceSeconds: grace });
      expect(response.status).toBe(400);
      expect((await json(response)).error.message).toMatch(/^graceSeconds: /);
      expect(await keyWorks(app.appId, app.appKey)).toBe(true);
    },
  );
});

describe("ids the store cannot hold or a path cannot carry (docs/admin.md#ids)", () => {
  it.each([".", "..", "__proto__", "constructor", "prototype", "a".repeat(129), "é"])(
    "refuses appId %j with 400 and stores nothing",
    async (appId) => {
      const response = await admin("POST", "/apps", { appId, ipAllowlist: [], workflows: [] });
      expect(response.status).toBe(400);
      expect((await json(response)).error.message).toMatch(/^appId: /);
    },
  );

  it.each(["__proto__", "constructor", "prototype"])(
    "refuses request key id %s with 400, so a 2xx always means the key is in force",
    async (keyId) => {
      const app = await createApp();
      const response = await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, { publicKey: "x" });
      expect(response.status).toBe(400);
      expect((await json(await admin("GET", `/apps/${app.appId}`))).requestKeys).toEqual([]);
    },
  );

  it("refuses merchant and merchant key ids the same way", async () => {
    expect((await admin("POST", "/merchants", { merchantId: "__proto__" })).status).toBe(400);
    const merchantId = uid("m");
    await admin("POST", "/merchants", { merchantId });
    expect((await admin("PUT", `/merchants/${merchantId}/keys/constructor`, { publicKey: "x" })).status).toBe(
      400,
    );
  });
});
