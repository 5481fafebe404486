import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MERCHANT_KEYS, merchantKeyRecordId } from "../../src/shared/config-records";
import { sha256Hex } from "../../src/shared/crypto";
import { ecPublicKeyPem } from "../support/keys";
import { admin, json, TEST_IP, uid } from "../support/worker";
import {
  failure,
  processCall,
  provisionMerchant,
  registerKey,
  rsaKeyPair,
  signedBody,
  storedKeys,
} from "./support";

const NO_SIGNATURE = "Signature verification failed";

describe("admin merchants (docs/admin.md#merchants)", () => {
  it("creates a merchant with a generated API key, returned once and stored only as SHA-256", async () => {
    const merchantId = uid("m");
    const response = await admin("POST", "/merchants", { merchantId, ipAllowlist: ["203.0.113.0/24"] });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(response);
    expect(body).toEqual({
      merchantId,
      apiKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      prefix: "",
      signatureMaxAgeSeconds: 900,
      clientAuthTokenMaxUses: 20,
      ipAllowlist: ["203.0.113.0/24"],
      keys: [],
      previousKeyExpiresAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = await env.CONFIG.get(`merchant:${merchantId}`, "json");
    expect(stored).toMatchObject({ apiKeySha256: await sha256Hex(body.apiKey) });
    expect(JSON.stringify(stored)).not.toContain(body.apiKey);
    const read = await json(await admin("GET", `/merchants/${merchantId}`));
    expect(read).not.toHaveProperty("apiKey");
  });

  it("imports an existing API key without echoing it, and refuses a duplicate id leaving the original", async () => {
    const merchantId = uid("m");
    const apiKey = "imported-key-0123456789";
    const created = await admin("POST", "/merchants", { merchantId, apiKey, prefix: "ABC" });
    expect(created.status).toBe(201);
    expect(await json(created)).not.toHaveProperty("apiKey");
    const again = await admin("POST", "/merchants", { merchantId, prefix: "XYZ" });
    expect(again.status).toBe(409);
    expect(await json(again)).toEqual({
      error: { code: "conflict", message: `Merchant ${merchantId} already exists` },
    });
    expect(await env.CONFIG.get(`merchant:${merchantId}`, "json")).toMatchObject({
      prefix: "ABC",
      apiKeySha256: await sha256Hex(apiKey),
    });
  });

  it.each([
    [{ apiKey: "short" }, "apiKey: Too small: expected string to have >=16 characters"],
    [{ ipAllowlist: ["10.0.0.5/24"] }, 'ipAllowlist.0: CIDR range has host bits set: "10.0.0.5/24"'],
    [{ signatureMaxAgeSeconds: 5 }, "signatureMaxAgeSeconds: Too small: expected number to be >=30"],
    [{ merchantId: "has space" }, "merchantId: must be 1-128 characters of A-Z a-z 0-9 . _ : @ -"],
  ])("refuses invalid merchant input %j without writing anything", async (input, message) => {
    const merchantId = uid("m");
    const response = await admin("POST", "/merchants", { merchantId, ...input });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: "invalid_request", message } });
    expect(await env.CONFIG.get(`merchant:${merchantId}`)).toBeNull();
  });

  it("updates settings, removes the allowlist with null, and deletes the merchant with its keys", async () => {
    const { merchantId, key } = await provisionMerchant({ ipAllowlist: [TEST_IP] });
    const patched = await admin("PATCH", `/merchants/${merchantId}`, { prefix: "NEW", ipAllowlist: null });
    expect(patched.status).toBe(200);
    expect(await json(patched)).toMatchObject({
      prefix: "NEW",
      ipAllowlist: null,
      keys: [{ merchantKeyId: key.merchantKeyId, status: "active", modulusBits: 2048 }],
    });
    expect((await admin("DELETE", `/merchants/${merchantId}`)).status).toBe(204);
    expect(await env.CONFIG.get(`merchant:${merchantId}`)).toBeNull();
    expect(
      await env.CONFIG.get(`merchant-key:${merchantKeyRecordId(merchantId, key.merchantKeyId)}`),
    ).toBeNull();
    expect((await admin("GET", `/merchants/${merchantId}`)).status).toBe(404);
  });
});

describe("merchant keys: RSA 2048+ public keys only (docs/admin.md#input-validation)", () => {
  it.each([
    [
      "a private key",
      async () => (await rsaKeyPair()).privateKeyPem,
      "publicKey: this is a private key; register the public key only",
    ],
    [
      "a 1024-bit key",
      async () => (await rsaKeyPair(1024)).publicKeyPem,
      "publicKey: RSA key is shorter than 2048 bits",
    ],
    ["an EC key", async () => `${await ecPublicKeyPem()}\n`, "publicKey: not an RSA public key"],
    [
      "no PEM at all",
      async () => "ssh-rsa AAAAB3NzaC1yc2E",
      "publicKey: not a PEM public key (expected -----BEGIN PUBLIC KEY-----)",
    ],
  ])("refuses %s with a 400 that says why", async (_title, makePem, message) => {
    const { merchantId } = await provisionMerchant();
    const keyId = uid("key");
    const response = await admin("PUT", `/merchants/${merchantId}/keys/${keyId}`, {
      publicKey: await makePem(),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({ error: { code: "invalid_request", message } });
    expect(await env.CONFIG.get(`merchant-key:${merchantKeyRecordId(merchantId, keyId)}`)).toBeNull();
  });

  it("accepts a 3072-bit key and replaces a key in place with 200", async () => {
    const { merchantId } = await provisionMerchant();
    const keyId = uid("key");
    const first = await admin("PUT", `/merchants/${merchantId}/keys/${keyId}`, {
      publicKey: (await rsaKeyPair(3072)).publicKeyPem,
    });
    expect(first.status).toBe(201);
    expect(await json(first)).toMatchObject({ merchantKeyId: keyId, status: "active", modulusBits: 3072 });
    const second = await admin("PUT", `/merchants/${merchantId}/keys/${keyId}`, {
      publicKey: (await rsaKeyPair()).publicKeyPem,
    });
    expect(second.status).toBe(200);
    expect(await json(second)).toMatchObject({ modulusBits: 2048 });
  });

  it("refuses a signature made with a retired key, and accepts the active twin", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    expect((await processCall(await signedBody(merchant, { customerId: uid("c") }))).status).toBe(200);
    expect(
      (await admin("DELETE", `/merchants/${merchant.merchantId}/keys/${merchant.key.merchantKeyId}`)).status,
    ).toBe(204);
    expect(
      await env.CONFIG.get(
        `${MERCHANT_KEYS.prefix}:${merchantKeyRecordId(merchant.merchantId, merchant.key.merchantKeyId)}`,
        "json",
      ),
    ).toMatchObject({ status: "retired" });
    const body = await signedBody(merchant, { customerId });
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(body.requestId, "UNAUTHORIZED", NO_SIGNATURE, "upiGetSessionToken"),
    );
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("refuses another merchant's key, even under a key id this merchant also uses", async () => {
    const merchant = await provisionMerchant();
    const other = await provisionMerchant();
    const shared = await registerKey(other.merchantId, merchant.key.merchantKeyId);
    const customerId = uid("c");
    for (const key of [other.key, shared]) {
      const body = await signedBody(merchant, { customerId, key });
      const response = await processCall(body);
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual(
        failure(body.requestId, "UNAUTHORIZED", NO_SIGNATURE, "upiGetSessionToken"),
      );
    }
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("refuses a payload naming an unknown merchant", async () => {
    const merchant = await provisionMerchant();
    const body = await signedBody(merchant, {
      signaturePayload: JSON.stringify({
        merchant_id: uid("nobody"),
        customer_id: "c",
        timestamp: String(Date.now()),
      }),
    });
    const response = await processCall(body);
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(
      failure(body.requestId, "UNAUTHORIZED", NO_SIGNATURE, "upiGetSessionToken"),
    );
  });
});

describe("merchant settings on the process route", () => {
  it.each([
    ["inside the allowlist", TEST_IP, 200],
    ["outside the allowlist", "198.51.100.7", 403],
  ])("answers a caller %s with %i", async (_title, ip, status) => {
    const merchant = await provisionMerchant({ ipAllowlist: [`${TEST_IP}/32`] });
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const response = await processCall(body, ip);
    expect(response.status).toBe(status);
    if (status === 403) {
      expect(await json(response)).toEqual(
        failure(body.requestId, "BAD_ORIGIN", "Request not allowed from this IP", "upiGetSessionToken"),
      );
      expect(await storedKeys(merchant, customerId)).toEqual([]);
    }
  });

  it.each([
    [50_000, 200],
    [70_000, 401],
  ])("honours signatureMaxAgeSeconds=60 for a payload %i ms old (%i)", async (age, status) => {
    const merchant = await provisionMerchant({ signatureMaxAgeSeconds: 60 });
    const response = await processCall(await signedBody(merchant, { timestamp: Date.now() - age }));
    expect(response.status).toBe(status);
  });
});
