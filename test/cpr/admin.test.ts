import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_REQUEST_KEYS } from "../../src/cpr/admin-request-keys";
import { pem } from "../support/keys";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, call, json, uid } from "../support/worker";

let app: ProvisionedApp;
beforeAll(async () => {
  app = await provisionApp();
});

async function rsaPair(modulusLength: number) {
  return (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
}

async function ecPair(namedCurve: string) {
  return (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
}

const spkiPem = async (pair: CryptoKeyPair) =>
  pem("PUBLIC KEY", (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);

const storedKeys = async (appId: string) =>
  ((await env.CONFIG.get(`app:${appId}`, "json")) as { requestKeys: Record<string, unknown> }).requestKeys;

describe("PUT|DELETE /admin/v1/apps/{appId}/request-keys/{keyId} (docs/cpr.md#request-signatures, docs/admin.md#apps)", () => {
  it.each([
    ["an RSA-2048 key, alg inferred", () => rsaPair(2048), undefined, "RS256"],
    ["an RSA-2048 key for PS256", () => rsaPair(2048), "PS256", "PS256"],
    ["a P-256 key, alg inferred", () => ecPair("P-256"), undefined, "ES256"],
    ["a P-256 key for ES256", () => ecPair("P-256"), "ES256", "ES256"],
  ])("registers %s", async (_what, make, alg, expectedAlg) => {
    const keyId = uid("key");
    const publicKey = await spkiPem(await make());
    const response = await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, { publicKey, alg });
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({
      appId: app.appId,
      keyId,
      alg: expectedAlg,
      createdAt: expect.any(String),
    });
    expect((await storedKeys(app.appId))[keyId]).toEqual({
      alg: expectedAlg,
      publicKeyPem: publicKey.trim(),
      createdAt: expect.any(String),
    });
    const view = await json(await admin("GET", `/apps/${app.appId}`));
    expect(view.requestKeys).toContainEqual({ keyId, alg: expectedAlg, createdAt: expect.any(String) });
  });

  const refusals: Array<[string, () => Promise<{ publicKey?: unknown; alg?: string }>, string]> = [
    [
      "a private key",
      async () => ({
        publicKey: pem(
          "PRIVATE KEY",
          (await crypto.subtle.exportKey("pkcs8", (await ecPair("P-256")).privateKey)) as ArrayBuffer,
        ),
      }),
      "publicKey is a private key; register the public key only",
    ],
    [
      "a 1024-bit RSA key",
      async () => ({ publicKey: await spkiPem(await rsaPair(1024)) }),
      "publicKey is a 1024-bit RSA key; at least 2048 bits are required",
    ],
    ["garbage", async () => ({ publicKey: "hello" }), "publicKey is not a PEM-encoded key"],
    [
      "a PKCS#1 RSA public key",
      async () => ({ publicKey: "-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----" }),
      'publicKey must be a "PUBLIC KEY" (SubjectPublicKeyInfo) PEM, not "RSA PUBLIC KEY"',
    ],
    [
      "armour around bytes that are no key",
      async () => ({ publicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" }),
      "publicKey is neither an RSA nor a P-256 public key",
    ],
    [
      "a P-384 key",
      async () => ({ publicKey: await spkiPem(await ecPair("P-384")), alg: "ES256" }),
      "publicKey is not a P-256 (ES256) public key",
    ],
    [
      "a P-256 key declared RS256",
      async () => ({ publicKey: await spkiPem(await ecPair("P-256")), alg: "RS256" }),
      "publicKey is not an RSA public key, as RS256 requires",
    ],
    [
      "an RSA key declared ES256",
      async () => ({ publicKey: await spkiPem(await rsaPair(2048)), alg: "ES256" }),
      "publicKey is not a P-256 (ES256) public key",
    ],
    ["an unknown alg", async () => ({ publicKey: "x", alg: "HS256" }), "alg: "],
    ["no publicKey", async () => ({}), "publicKey: is required"],
  ];

  it.each(refusals)(
    "refuses %s with a 400 that says what is wrong, writing nothing",
    async (_what, make, message) => {
      const keyId = uid("key");
      const response = await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, await make());
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message.startsWith(message)).toBe(true);
      expect((await storedKeys(app.appId))[keyId]).toBeUndefined();
    },
  );

  it("replaces a key under the same id with 200", async () => {
    const keyId = uid("key");
    const path = `/apps/${app.appId}/request-keys/${keyId}`;
    expect((await admin("PUT", path, { publicKey: await spkiPem(await rsaPair(2048)) })).status).toBe(201);
    const replacement = await spkiPem(await ecPair("P-256"));
    const response = await admin("PUT", path, { publicKey: replacement });
    expect(response.status).toBe(200);
    expect((await storedKeys(app.appId))[keyId]).toMatchObject({
      alg: "ES256",
      publicKeyPem: replacement.trim(),
    });
  });

  it("deletes a key, then answers 404 for it", async () => {
    const keyId = uid("key");
    const path = `/apps/${app.appId}/request-keys/${keyId}`;
    await admin("PUT", path, { publicKey: await spkiPem(await ecPair("P-256")) });
    expect((await admin("DELETE", path)).status).toBe(204);
    expect((await storedKeys(app.appId))[keyId]).toBeUndefined();
    const again = await admin("DELETE", path);
    expect(again.status).toBe(404);
    expect(await json(again)).toEqual({
      error: { code: "not_found", message: `App ${app.appId} has no request key ${keyId}` },
    });
  });

  it("answers 404 for an unknown app", async () => {
    const ghost = uid("ghost");
    const response = await admin("PUT", `/apps/${ghost}/request-keys/k1`, {
      publicKey: await spkiPem(await ecPair("P-256")),
    });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: `No app ${ghost}` } });
  });

  it(`holds at most ${MAX_REQUEST_KEYS} keys per app`, async () => {
    const crowded = await provisionApp();
    const publicKey = await spkiPem(await ecPair("P-256"));
    for (let i = 0; i < MAX_REQUEST_KEYS; i++) {
      expect((await admin("PUT", `/apps/${crowded.appId}/request-keys/k${i}`, { publicKey })).status).toBe(
        201,
      );
    }
    const response = await admin("PUT", `/apps/${crowded.appId}/request-keys/one-more`, { publicKey });
    expect(response.status).toBe(400);
    expect(Object.keys(await storedKeys(crowded.appId))).toHaveLength(MAX_REQUEST_KEYS);
    expect((await admin("PUT", `/apps/${crowded.appId}/request-keys/k0`, { publicKey })).status).toBe(200);
  });

  it("requires the admin token", async () => {
    const response = await call(`/admin/v1/apps/${app.appId}/request-keys/k`, { method: "DELETE" });
    expect(response.status).toBe(401);
  });
});
