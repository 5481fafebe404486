import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, type JWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { forgetSigningKeyRing } from "../../src/shared/signing-key-ring";
import { tokenBody } from "../cpr/helpers";
import { oauthForm } from "../oauth/support";
import { privateJwk } from "../shared/test-keys";
import { provisionApp } from "../support/tenants";
import { admin, BASE_URL, call, json, postJson, TEST_IP, uid } from "../support/worker";
import { bindDevice, processCall, provisionMerchant, signedBody } from "../upi/support";

// The admin API of the signing key store (docs/operations.md#signing-keys) through the real Worker and the
// real store. The store is one object shared by this file's tests: each test starts from what it reads.

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "sealed", "ct", "iv", "privateJwk"];

interface KeyView {
  kid: string;
  alg: string;
  state: "next" | "active" | "retired";
  origin: string;
  publishedAt: string;
  signsFrom?: string;
  activatedAt?: string;
  retiredAt?: string;
  removeAt?: string;
}

async function listKeys(): Promise<KeyView[]> {
  const response = await admin("GET", "/signing-keys");
  expect(response.status).toBe(200);
  return (await json(response)).keys;
}

const kidIn = (keys: KeyView[], state: KeyView["state"]) => keys.find((key) => key.state === state)!.kid;

async function servedJwks(): Promise<JSONWebKeySet> {
  const response = await call("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  return json(response);
}

async function cprToken(app: Awaited<ReturnType<typeof provisionApp>>): Promise<string> {
  const response = await postJson("/v2/auth/token", tokenBody(app));
  expect(response.status).toBe(200);
  return (await json(response)).result.authToken.replace(/^Bearer /, "");
}

async function introspect(token: string): Promise<boolean> {
  const response = await oauthForm("introspect", { admin: true }, { token });
  expect(response.status).toBe(200);
  return (await json(response)).active;
}

async function eventCount(): Promise<number> {
  const response = await admin("GET", "/signing-keys/events?limit=100");
  return (await json(response)).events.length;
}

describe("GET /admin/v1/signing-keys", () => {
  it("lists one active and one next key with their times, and no private or sealed member", async () => {
    const response = await admin("GET", "/signing-keys");
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text);
    expect(body.keys.filter((key: KeyView) => key.state === "active")).toHaveLength(1);
    expect(body.keys.filter((key: KeyView) => key.state === "next")).toHaveLength(1);
    for (const key of body.keys as KeyView[]) {
      expect(key.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      if (key.state === "next") {
        expect(Date.parse(key.signsFrom!) - Date.parse(key.publishedAt)).toBe(420_000);
      }
      for (const name of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(name);
    }
    expect(body.schedule).toMatchObject({
      rotationDays: 30,
      publishBeforeSigningSeconds: 420,
      retiredKeyRetentionSeconds: 86_460,
    });
    for (const { d } of JSON.parse(env.SIGNING_KEYS!).keys as JWK[]) expect(text).not.toContain(d);
    expect(text).not.toContain(env.KEY_ENCRYPTION_SECRET);
  });

  it("requires the admin token", async () => {
    const response = await call("/admin/v1/signing-keys");
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBe("unauthorized");
  });
});

describe("POST /admin/v1/signing-keys/rotate", () => {
  it("refuses to activate a next key published less than 420 s ago: 409 too_early, nothing changes", async () => {
    expect((await admin("POST", "/signing-keys/rotate", { force: true })).status).toBe(200);
    const before = await listKeys();
    const events = await eventCount();
    const response = await admin("POST", "/signing-keys/rotate", {});
    expect(response.status).toBe(409);
    const signsFrom = before.find((key) => key.state === "next")!.signsFrom;
    expect(await json(response)).toEqual({
      error: {
        code: "too_early",
        message: `The next key may sign from ${signsFrom} (published for 420 s); send "force": true to rotate now`,
      },
    });
    expect(await listKeys()).toEqual(before);
    expect(await eventCount()).toBe(events);
  });

  it("with force: next signs at once in this isolate, the active key is retired but still published", async () => {
    const before = await listKeys();
    const app = await provisionApp();
    const oldToken = await cprToken(app);
    const response = await admin("POST", "/signing-keys/rotate", { force: true, alg: "RS256" });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.rotated).toEqual({
      retired: kidIn(before, "active"),
      active: kidIn(before, "next"),
      next: kidIn(body.keys, "next"),
      forced: true,
    });
    const retired = body.keys.find((key: KeyView) => key.kid === kidIn(before, "active"));
    expect(retired.state).toBe("retired");
    expect(Date.parse(retired.removeAt) - Date.parse(retired.retiredAt)).toBe(86_460_000);
    expect(body.keys.find((key: KeyView) => key.state === "next").alg).toBe("RS256");

    const newToken = await cprToken(app);
    expect(decodeProtectedHeader(newToken).kid).toBe(kidIn(before, "next"));
    const jwks = createLocalJWKSet(await servedJwks());
    for (const token of [oldToken, newToken]) {
      await expect(jwtVerify(token, jwks, { issuer: `${env.ISSUER}/cpr` })).resolves.toBeDefined();
      expect(await introspect(token)).toBe(true);
    }
  });

  it.each([
    [{ alg: "PS256" }, "alg"],
    [{ alg: 256 }, "alg"],
    [{ force: "yes" }, "force"],
    [{ force: true, rotateAll: true }, "body"],
  ])("refuses %j with a 400 that names the field, changing nothing", async (body, field) => {
    const before = await listKeys();
    const response = await admin("POST", "/signing-keys/rotate", body);
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.code).toBe("invalid_request");
    expect(error.message.startsWith(`${field}:`)).toBe(true);
    expect(await listKeys()).toEqual(before);
  });

  it("refuses malformed JSON with the admin 400", async () => {
    const response = await call("/admin/v1/signing-keys/rotate", {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: "{",
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: { code: "invalid_request", message: "Request body is not valid JSON" },
    });
  });
});

describe("POST /admin/v1/signing-keys/{kid}/revoke", () => {
  it("revoking the active key: its tokens introspect inactive at once, next is promoted (forced), a new next is made", async () => {
    const before = await listKeys();
    const app = await provisionApp();
    const token = await cprToken(app);
    const revokedKid = decodeProtectedHeader(token).kid!;
    expect(revokedKid).toBe(kidIn(before, "active"));
    expect(await introspect(token)).toBe(true);

    const response = await admin("POST", `/signing-keys/${revokedKid}/revoke`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({
      revoked: revokedKid,
      state: "active",
      promoted: kidIn(before, "next"),
      forced: true,
      next: kidIn(body.keys, "next"),
    });
    expect(body.keys.map((key: KeyView) => key.kid)).not.toContain(revokedKid);

    expect(await introspect(token)).toBe(false);
    const jwks = await servedJwks();
    expect(jwks.keys.map((key) => key.kid)).not.toContain(revokedKid);
    await expect(jwtVerify(token, createLocalJWKSet(jwks))).rejects.toMatchObject({
      code: "ERR_JWKS_NO_MATCHING_KEY",
    });
    expect(decodeProtectedHeader(await cprToken(app)).kid).toBe(kidIn(before, "next"));

    const again = await admin("POST", `/signing-keys/${revokedKid}/revoke`);
    expect(again.status).toBe(404);
    expect(await json(again)).toEqual({
      error: { code: "not_found", message: `No signing key ${revokedKid}` },
    });
  });

  it("revoking the key that signed a UPI session token: the merchant's introspection reads it inactive at once", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("cust");
    await bindDevice(merchant.merchantId, customerId);
    const issued = await json(
      await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" })),
    );
    const token = issued.payload.sessionToken as string;
    const asMerchant = { basic: [merchant.merchantId, merchant.apiKey] as [string, string] };
    expect((await json(await oauthForm("introspect", asMerchant, { token }))).active).toBe(true);
    const kid = decodeProtectedHeader(token).kid!;
    expect((await admin("POST", `/signing-keys/${kid}/revoke`)).status).toBe(200);
    expect(await json(await oauthForm("introspect", asMerchant, { token }))).toEqual({ active: false });
  });

  it("revoking next makes a new next and leaves the active key signing", async () => {
    const before = await listKeys();
    const response = await admin("POST", `/signing-keys/${kidIn(before, "next")}/revoke`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.promoted).toBeUndefined();
    expect(body.forced).toBeUndefined();
    expect(kidIn(body.keys, "active")).toBe(kidIn(before, "active"));
    expect(kidIn(body.keys, "next")).toBe(body.next);
    expect(body.next).not.toBe(kidIn(before, "next"));
  });

  it.each([
    ["an unknown kid", "no-such-kid", 404, "not_found"],
    ["a kid with a character no kid has", "bad%20kid", 400, "invalid_request"],
    ["a kid longer than 64 characters", "k".repeat(65), 400, "invalid_request"],
  ])("answers %s with %i and changes nothing", async (_what, kid, status, code) => {
    const before = await listKeys();
    const response = await admin("POST", `/signing-keys/${kid}/revoke`);
    expect(response.status).toBe(status);
    expect((await json(response)).error.code).toBe(code);
    expect(await listKeys()).toEqual(before);
  });
});

describe("POST /admin/v1/signing-keys/import", () => {
  it("publishes an operator's key as next; after a rotation it signs tokens its own public key verifies", async () => {
    const kid = `byok-${crypto.randomUUID().slice(0, 8)}`;
    const mine = await privateJwk("EdDSA", kid);
    const before = await listKeys();
    const response = await admin("POST", "/signing-keys/import", { keys: [mine] });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.imported).toBe(kid);
    expect(body.keys.find((key: KeyView) => key.kid === kid)).toMatchObject({
      state: "next",
      origin: "imported",
      alg: "EdDSA",
    });
    expect(body.keys.map((key: KeyView) => key.kid)).not.toContain(kidIn(before, "next"));
    expect(JSON.stringify(body)).not.toContain(mine.d);
    const published = (await servedJwks()).keys.find((key) => key.kid === kid);
    expect(published).toEqual({ kty: "OKP", crv: "Ed25519", x: mine.x, kid, alg: "EdDSA", use: "sig" });

    expect((await admin("POST", "/signing-keys/rotate", { force: true })).status).toBe(200);
    const token = await cprToken(await provisionApp());
    const { d: _d, ...publicHalf } = mine;
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: [publicHalf] }));
    expect(protectedHeader).toMatchObject({ kid, alg: "EdDSA" });

    const again = await admin("POST", "/signing-keys/import", { keys: [mine] });
    expect(again.status).toBe(409);
    expect(await json(again)).toEqual({
      error: { code: "conflict", message: `Signing key ${kid} already exists` },
    });
  });

  it.each([
    [
      "a public key only",
      async () => ({ keys: [{ ...(await privateJwk("ES256", "pub")), d: undefined }] }),
      "the imported key set is not a private JWK set with kids",
    ],
    [
      "two keys",
      async () => ({ keys: [await privateJwk("ES256", "a1"), await privateJwk("ES256", "a2")] }),
      "keys: must hold exactly one private JWK",
    ],
    [
      "a kid of ..",
      async () => ({ keys: [await privateJwk("ES256", "..")] }),
      "the imported key set is not a private JWK set with kids",
    ],
    [
      "an unsupported curve",
      async () => ({ keys: [{ ...(await privateJwk("ES256", "p384")), crv: "P-384" }] }),
      "the imported key set key p384 has an unsupported type or algorithm",
    ],
  ])("refuses %s with a 400, storing nothing", async (_what, body, message) => {
    const before = await listKeys();
    const response = await admin("POST", "/signing-keys/import", await body());
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: "invalid_request", message } });
    expect(await listKeys()).toEqual(before);
  });
});

describe("GET /admin/v1/signing-keys/events", () => {
  it("pages the service event log newest first, with the admin request's id on its events", async () => {
    const requestId = `rotate-${crypto.randomUUID()}`;
    const rotated = await call("/admin/v1/signing-keys/rotate", {
      method: "POST",
      headers: {
        Authorization: `Bearer ${env.ADMIN_TOKEN}`,
        "Content-Type": "application/json",
        "X-Request-Id": requestId,
      },
      body: JSON.stringify({ force: true }),
    });
    expect(rotated.status).toBe(200);
    const { rotated: moved } = await json(rotated);

    const first = await json(await admin("GET", "/signing-keys/events?limit=2"));
    expect(first.events).toHaveLength(2);
    expect(first.events[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      type: "rotated",
      kid: moved.active,
      trigger: "admin",
      requestId,
      details: { retired: moved.retired, next: moved.next, forced: true },
    });
    expect(first.next).toBe(first.events[1].id);
    const second = await json(await admin("GET", `/signing-keys/events?limit=2&before=${first.next}`));
    expect(Number(second.events[0].id)).toBeLessThan(Number(first.events[1].id));
    const all = await json(await admin("GET", "/signing-keys/events?limit=100"));
    expect(all.events.map((event: { id: string }) => event.id)).toEqual(
      [...all.events.map((event: { id: string }) => event.id)].sort((a, b) => Number(b) - Number(a)),
    );
    expect(all.events.at(-1).type).toMatch(/^(imported|generated)$/);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["before=abc", "before"],
    ["before=0", "before"],
  ])("refuses ?%s with a 400 naming the parameter", async (query, field) => {
    const response = await admin("GET", `/signing-keys/events?${query}`);
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error.code).toBe("invalid_request");
    expect(error.message.startsWith(`${field}:`)).toBe(true);
  });
});

describe("KEY_ENCRYPTION_SECRET changed or missing", () => {
  afterEach(() => forgetSigningKeyRing());

  it.each([
    ["changed", "not-the-secret-that-sealed-the-keys", "is not the secret that sealed signing key"],
    ["missing", "", "KEY_ENCRYPTION_SECRET is not set"],
  ])(
    "%s: rotate, revoke and import are the admin 500 with the reason in the log, storing nothing",
    async (_what, secret, reason) => {
      const log = vi.spyOn(console, "log");
      await listKeys();
      const before = await listKeys();
      const events = await eventCount();
      const broken = { ...env, KEY_ENCRYPTION_SECRET: secret };
      const requests = [
        ["/signing-keys/rotate", { force: true }],
        [`/signing-keys/${kidIn(before, "active")}/revoke`, undefined],
        ["/signing-keys/import", { keys: [await privateJwk("ES256", "never-stored")] }],
      ] as const;
      for (const [path, body] of requests) {
        const response = await worker.fetch(
          new Request(`${BASE_URL}/admin/v1${path}`, {
            method: "POST",
            headers: {
              Authorization: `Bearer ${env.ADMIN_TOKEN}`,
              "Content-Type": "application/json",
              "CF-Connecting-IP": TEST_IP,
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
          broken,
        );
        expect(response.status).toBe(500);
        expect(await json(response)).toEqual({
          error: { code: "internal_error", message: "Internal error" },
        });
        const line = JSON.parse(String(log.mock.calls.at(-1)![0]));
        expect(line).toMatchObject({ status: 500, outcome: "fault" });
        expect(line.fault).toContain(reason);
      }
      log.mockRestore();
      forgetSigningKeyRing();
      expect(await listKeys()).toEqual(before);
      expect(await eventCount()).toBe(events);
    },
  );
});

describe("configuration checked first", () => {
  it("a SIGNING_KEY_ROTATION_DAYS that is not a day count: the admin 500 before any key moves", async () => {
    const before = await listKeys();
    const response = await worker.fetch(
      new Request(`${BASE_URL}/admin/v1/signing-keys/rotate`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${env.ADMIN_TOKEN}`,
          "Content-Type": "application/json",
          "CF-Connecting-IP": TEST_IP,
        },
        body: JSON.stringify({ force: true }),
      }),
      { ...env, SIGNING_KEY_ROTATION_DAYS: "monthly" as Env["SIGNING_KEY_ROTATION_DAYS"] },
    );
    expect(response.status).toBe(500);
    expect(await listKeys()).toEqual(before);
  });
});
