import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkPublicKeyArmour,
  importPublicKey,
  MAX_PEM_LENGTH,
  type PublicKeyAlgorithm,
} from "../../src/shared/public-key";
import { provisionApp } from "../support/tenants";
import { admin, json, uid } from "../support/worker";
import { provisionMerchant, rsaKeyPair } from "../upi/support";

/**
 * docs/admin.md#input-validation: keys are parsed in linear time, through one parser (shared/public-key) for
 * CPR request keys and UPI merchant keys. The old request-key pattern backtracked in cubic time: a BEGIN line
 * and 3,000 spaces took seconds, and the 16,384 characters the admin API allows ran past any timeout.
 * These tests assert outcomes only; before the change, the pathological ones never finished.
 */

const BEGIN = "-----BEGIN PUBLIC KEY-----";
const END = "-----END PUBLIC KEY-----";

/** A BEGIN line followed by whitespace up to the admin API's limit, and no END line. */
const pathological = (fill: string) =>
  `${BEGIN}${fill.repeat(MAX_PEM_LENGTH).slice(0, MAX_PEM_LENGTH - BEGIN.length)}`;

function der(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  const header =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : [tag, 0x82, length >> 8, length & 0xff];
  return new Uint8Array([...header, ...content]);
}

/** An RSA SPKI with an odd modulus of `bits` bits and e = 65537: importable, never generated. */
function rsaSpkiOfSize(bits: number): string {
  const modulus = new Uint8Array(bits / 8 + 1).fill(0xff);
  modulus[0] = 0; // positive INTEGER
  const rsaKey = der(0x30, new Uint8Array([...der(0x02, modulus), ...der(0x02, new Uint8Array([1, 0, 1]))]));
  const algorithm = new Uint8Array([
    0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
  ]);
  const spki = der(0x30, new Uint8Array([...algorithm, ...der(0x03, new Uint8Array([0, ...rsaKey]))]));
  const base64 = btoa(String.fromCharCode(...spki));
  return `${BEGIN}\n${base64.match(/.{1,64}/g)!.join("\n")}\n${END}\n`;
}

let rsaPem: string;
let ecPem: string;
beforeAll(async () => {
  rsaPem = (await rsaKeyPair()).publicKeyPem;
  const ec = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", ec.publicKey)) as ArrayBuffer);
  ecPem = `${BEGIN}\n${btoa(String.fromCharCode(...spki))}\n${END}`;
});

describe("one linear-time PEM parser (docs/admin.md#input-validation)", () => {
  it.each([
    ["spaces", " "],
    ["newlines", "\n"],
    ["CRLFs", "\r\n"],
    ["tabs and spaces", "\t "],
  ])("refuses a BEGIN line followed by %s up to 16,384 characters and no END line", async (_what, fill) => {
    const text = pathological(fill);
    expect(text.length).toBe(MAX_PEM_LENGTH);
    expect(checkPublicKeyArmour(text)).toEqual({ ok: false, reason: "not_pem" });
    expect(await importPublicKey(text, "RS256")).toEqual({ ok: false, reason: "not_pem" });
  });

  it("refuses a text longer than the limit before looking at it", () => {
    expect(checkPublicKeyArmour(`${rsaPem}${" ".repeat(MAX_PEM_LENGTH)}`)).toEqual({
      ok: false,
      reason: "too_long",
    });
  });

  it.each([
    "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN EC PRIVATE KEY-----\nMIIB\n-----END EC PRIVATE KEY-----",
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB",
  ])("refuses a private key where a public one belongs: %s", (text) => {
    expect(checkPublicKeyArmour(text)).toEqual({ ok: false, reason: "private_key" });
  });

  it.each<[string, () => string, PublicKeyAlgorithm, string]>([
    ["an RSA key as RS256", () => rsaPem, "RS256", "RSASSA-PKCS1-v1_5"],
    ["an RSA key as PS256", () => rsaPem, "PS256", "RSA-PSS"],
    ["a P-256 key as ES256", () => ecPem, "ES256", "ECDSA"],
    [
      "a PEM with CRLFs and indentation",
      () => rsaPem.replaceAll("\n", "\r\n   "),
      "RS256",
      "RSASSA-PKCS1-v1_5",
    ],
  ])("imports %s, not extractable", async (_what, pem, alg, name) => {
    const imported = await importPublicKey(pem(), alg);
    expect(imported.ok).toBe(true);
    if (!imported.ok) return;
    expect(imported.value.algorithm.name).toBe(name);
    expect(imported.value.type).toBe("public");
    expect(imported.value.extractable).toBe(false);
  });

  it("takes base64 without its padding, as registered keys could be", async () => {
    const unpadded = ecPem.replace(/=+\n/, "\n");
    const imported = await importPublicKey(unpadded, "ES256");
    expect(imported.ok).toBe(true);
    expect(checkPublicKeyArmour(`${BEGIN}\nA\n${END}`)).toEqual({ ok: false, reason: "not_base64" });
    expect(checkPublicKeyArmour(`${BEGIN}\nAA=A\n${END}`)).toEqual({ ok: false, reason: "not_base64" });
  });

  it.each<[string, () => string, PublicKeyAlgorithm]>([
    ["an RSA key as ES256", () => rsaPem, "ES256"],
    ["a P-256 key as RS256", () => ecPem, "RS256"],
  ])("refuses %s as the wrong kind of key", async (_what, pem, alg) => {
    expect(await importPublicKey(pem(), alg)).toEqual({ ok: false, reason: "wrong_key_type" });
  });

  const whitespace = fc
    .array(fc.constantFrom(" ", "\t", "\n", "\r", "\r\n"), { maxLength: 4096 })
    .map((parts) => parts.join(""));

  it("never throws on long whitespace runs around, inside or instead of the armour", async () => {
    await fc.assert(
      fc.asyncProperty(
        whitespace,
        whitespace,
        fc.constantFrom(BEGIN, END, `${BEGIN}${END}`, "-----BEGIN ", "-----", ""),
        async (before, after, armour) => {
          const result = await importPublicKey(`${armour}${before}${armour}${after}`, "RS256");
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses every truncation of a real key, and keeps accepting it with whitespace between lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: rsaPem.trim().length - 1 }),
        whitespace,
        async (cut, run) => {
          const truncated = await importPublicKey(rsaPem.trim().slice(0, cut) + run, "RS256");
          expect(truncated.ok).toBe(false);
          const spaced = await importPublicKey(rsaPem.replaceAll("\n", `\n${run}`), "RS256");
          expect(spaced.ok).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("both families' admin routes use it", () => {
  it("CPR request keys: the 16,384-character pathological PEM is a 400 and nothing is written", async () => {
    const app = await provisionApp();
    const before = await env.CONFIG.get(`app:${app.appId}`);
    const response = await admin("PUT", `/apps/${app.appId}/request-keys/${uid("k")}`, {
      publicKey: pathological(" "),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: { code: "invalid_request", message: "publicKey is not a PEM-encoded key" },
    });
    expect(await env.CONFIG.get(`app:${app.appId}`)).toBe(before);
  });

  it("UPI merchant keys: the 16,384-character pathological PEM is a 400", async () => {
    const { merchantId } = await provisionMerchant();
    const response = await admin("PUT", `/merchants/${merchantId}/keys/${uid("k")}`, {
      publicKey: pathological("\n"),
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual({
      error: {
        code: "invalid_request",
        message: "publicKey: not a PEM public key (expected -----BEGIN PUBLIC KEY-----)",
      },
    });
  });

  it("CPR request keys: an RSA key over 8,192 bits is a 400 that names the cap (as for UPI)", async () => {
    const app = await provisionApp();
    const keyId = uid("k");
    const big = rsaSpkiOfSize(9216);
    const cpr = await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, { publicKey: big });
    expect(cpr.status).toBe(400);
    expect(await json(cpr)).toEqual({
      error: {
        code: "invalid_request",
        message: "publicKey is a 9216-bit RSA key; at most 8192 bits are accepted",
      },
    });
    const stored = (await env.CONFIG.get(`app:${app.appId}`, "json")) as { requestKeys: object };
    expect(stored.requestKeys).toEqual({});
    const { merchantId } = await provisionMerchant();
    const upi = await admin("PUT", `/merchants/${merchantId}/keys/${uid("k")}`, { publicKey: big });
    expect(await json(upi)).toEqual({
      error: { code: "invalid_request", message: "publicKey: RSA key is longer than 8192 bits" },
    });
  });

  it("CPR request keys: an 8,192-bit RSA key is still accepted", async () => {
    const app = await provisionApp();
    const response = await admin("PUT", `/apps/${app.appId}/request-keys/${uid("k")}`, {
      publicKey: rsaSpkiOfSize(8192),
    });
    expect(response.status).toBe(201);
  });
});
