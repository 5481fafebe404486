import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SIGNATURE_WINDOW_MS, verifyRequestSignature } from "../../src/cpr/request-signature";
import { maxPssSaltLength, p256DerToRaw } from "../../src/cpr/signature-forms";
import type { RequestKey } from "../../src/shared/config-records";
import { pem, requestKeyParams } from "../support/keys";
import { provisionApp } from "../support/tenants";
import { admin, call, json, uid } from "../support/worker";
import { AUTH_TOKEN, tokenBody, UNAUTHORIZED } from "./helpers";

/**
 * docs/cpr.md#accepted-forms: ES256 as DER or raw r‖s, PS256
 * with salt 32 or the maximum, as real signers make them.
 */

type Alg = "ES256" | "PS256" | "RS256";
type Tool = "node" | "openssl-dgst" | "openssl-pkeyutl";

const testEnv = env as unknown as {
  REAL_SIGNER: Fetcher;
  TEST_HAS_OPENSSL: string;
};

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** A fresh key pair as PEMs: PKCS#8 for the signers, SPKI for the admin API. */
async function keyPair(alg: Alg) {
  const pair = (await crypto.subtle.generateKey(requestKeyParams(alg), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    privateKeyPem: pem(
      "PRIVATE KEY",
      (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer,
    ),
    publicKeyPem: pem("PUBLIC KEY", (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer),
  };
}

/** A signature made on the Node side by Node's `crypto.sign` or the `openssl` command line, defaults untouched. */
async function realSignature(
  tool: Tool,
  alg: Alg,
  privateKeyPem: string,
  message: string,
): Promise<Uint8Array> {
  const response = await testEnv.REAL_SIGNER.fetch("https://signer/", {
    method: "POST",
    body: JSON.stringify({ tool, alg, privateKeyPem, message }),
  });
  const body = (await response.json()) as { signature?: string; error?: string };
  if (!body.signature) throw new Error(`signer failed: ${body.error}`);
  return Uint8Array.from(atob(body.signature), (ch) => ch.charCodeAt(0));
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

async function signedApp(alg: Alg) {
  const app = await provisionApp();
  const keyId = uid("key");
  const pair = await keyPair(alg);
  const response = await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, {
    publicKey: pair.publicKeyPem,
    alg,
  });
  expect(response.status).toBe(201);
  return { app, keyId, ...pair };
}

function signedCall(keyId: string, timestamp: number, raw: string, signature: Uint8Array | string) {
  return call(AUTH_TOKEN, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Key-Id": keyId,
      "X-Timestamp": String(timestamp),
      "X-Signature": typeof signature === "string" ? signature : base64(signature),
    },
    body: raw,
  });
}

/** DER of SEQUENCE { INTEGER r, INTEGER s } from the integers' content bytes as given. */
function der(r: number[], s: number[], trailing: number[] = []): Uint8Array {
  const content = [0x02, r.length, ...r, 0x02, s.length, ...s];
  return Uint8Array.from([0x30, content.length, ...content, ...trailing]);
}

function bytesOf(value: bigint, length: number): number[] {
  return Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
}

function rawToDer(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = [...bytes.subarray(start)];
    return trimmed[0]! & 0x80 ? [0, ...trimmed] : trimmed;
  };
  return der(integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
}

const bigIntOf = (bytes: Uint8Array) => bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);

describe("the strict DER reader for ES256 (docs/cpr.md#accepted-forms)", () => {
  const one = [0x01];
  const r32 = [0x7f, ...Array(31).fill(0x11)];
  const high = [0x00, 0x80, ...Array(31).fill(0x22)];

  it("converts a well-formed signature to raw r‖s, left-padding short integers", () => {
    const raw = p256DerToRaw(der(one, high));
    expect(raw).toEqual(Uint8Array.from([...Array(31).fill(0), 1, 0x80, ...Array(31).fill(0x22)]));
    expect(p256DerToRaw(der(r32, r32))).toEqual(Uint8Array.from([...r32, ...r32]));
  });

  it.each([
    ["trailing bytes", der(one, one, [0x00])],
    ["a negative r", der([0x80, ...Array(31).fill(1)], one)],
    ["a negative s", der(one, [0xff])],
    ["a non-minimal leading zero", der([0x00, 0x01], one)],
    ["an over-long integer (34 bytes)", der([0x00, 0x80, ...Array(32).fill(1)], one)],
    ["r zero", der([0x00], one)],
    ["s zero", der(one, [0x00])],
    ["s equal to n", der(one, [0x00, ...bytesOf(P256_ORDER, 32)])],
    ["s above n", der(one, [0x00, ...bytesOf(P256_ORDER + 1n, 32)])],
    ["r equal to n", der([0x00, ...bytesOf(P256_ORDER, 32)], one)],
    ["an empty integer", Uint8Array.from([0x30, 0x05, 0x02, 0x00, 0x02, 0x01, 0x01])],
    ["a long-form sequence length", Uint8Array.from([0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ["a sequence length that overstates", Uint8Array.from([0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ["an integer length past the end", Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x05, 0x01])],
    ["a SET instead of a SEQUENCE", Uint8Array.from([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ["a third integer", Uint8Array.from([0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01])],
    ["nothing", new Uint8Array()],
  ])("refuses %s", (_label, bytes) => {
    expect(p256DerToRaw(bytes)).toBeUndefined();
  });

  it("gives the largest PSS salt RFC 8017 §9.1.1 allows for SHA-256", () => {
    expect(maxPssSaltLength(2048)).toBe(222);
    expect(maxPssSaltLength(2049)).toBe(222); // emLen = ⌈(modBits − 1)/8⌉
    expect(maxPssSaltLength(2056)).toBe(223);
    expect(maxPssSaltLength(3072)).toBe(350);
    expect(maxPssSaltLength(4096)).toBe(478);
  });
});

describe("CPR request signatures made by real signers (docs/cpr.md#accepted-forms)", () => {
  const cases: [Tool, Alg][] = [
    ["node", "ES256"],
    ["node", "PS256"],
    ["node", "RS256"],
    ["openssl-dgst", "ES256"],
    ["openssl-dgst", "PS256"],
    ["openssl-dgst", "RS256"],
    ["openssl-pkeyutl", "ES256"],
    ["openssl-pkeyutl", "PS256"],
  ];

  it.each(cases)(
    "accepts a %s %s signature with its default encoding, and refuses it one byte off",
    async (tool, alg) => {
      if (tool !== "node" && !testEnv.TEST_HAS_OPENSSL) return; // no openssl on this machine
      const { app, keyId, privateKeyPem } = await signedApp(alg);
      const timestamp = Date.now();
      const raw = JSON.stringify(tokenBody(app));
      const signature = await realSignature(tool, alg, privateKeyPem, `${timestamp}.${raw}`);
      if (alg === "ES256") expect(signature[0]).toBe(0x30); // DER, as these signers emit it
      if (alg === "PS256") expect(signature.length).toBe(256);
      const tampered = signature.slice();
      tampered[tampered.length - 5]! ^= 0x01;
      const refused = await signedCall(keyId, timestamp, raw, tampered);
      expect(refused.status).toBe(401);
      expect(await json(refused)).toEqual(UNAUTHORIZED);
      const accepted = await signedCall(keyId, timestamp, raw, signature);
      expect(accepted.status, JSON.stringify(await accepted.clone().json())).toBe(200);
    },
  );

  it("accepts an ES256 signature as raw r‖s (WebCrypto's form) and as the same signature in DER", async () => {
    const { app, keyId, privateKeyPem } = await signedApp("ES256");
    const key = await crypto.subtle.importKey(
      "pkcs8",
      pemBody(privateKeyPem),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign"],
    );
    for (const form of ["raw", "der"] as const) {
      const timestamp = Date.now();
      const raw = JSON.stringify(tokenBody(app));
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          { name: "ECDSA", hash: "SHA-256" },
          key,
          new TextEncoder().encode(`${timestamp}.${raw}`),
        ),
      );
      const response = await signedCall(
        keyId,
        timestamp,
        raw,
        form === "raw" ? signature : rawToDer(signature),
      );
      expect(response.status, form).toBe(200);
    }
  });

  // Decision (docs/cpr.md#request-signatures): high-S is accepted, as WebCrypto, OpenSSL and Node do.
  it("accepts the high-S twin (r, n − s) of a valid signature, raw and DER", async () => {
    const { app, keyId, privateKeyPem } = await signedApp("ES256");
    for (const form of ["raw", "der"] as const) {
      const timestamp = Date.now();
      const raw = JSON.stringify(tokenBody(app));
      const derSignature = await realSignature("node", "ES256", privateKeyPem, `${timestamp}.${raw}`);
      const rs = p256DerToRaw(derSignature)!;
      const twin = Uint8Array.from([
        ...rs.subarray(0, 32),
        ...bytesOf(P256_ORDER - bigIntOf(rs.subarray(32)), 32),
      ]);
      const response = await signedCall(keyId, timestamp, raw, form === "raw" ? twin : rawToDer(twin));
      expect(response.status, form).toBe(200);
    }
  });

  it.each([
    ["DER with a trailing byte", (sig: Uint8Array) => Uint8Array.from([...sig, 0x00])],
    [
      "DER with its sequence length bumped",
      (sig: Uint8Array) => Uint8Array.from([0x30, sig[1]! + 1, ...sig.subarray(2), 0]),
    ],
    [
      "raw r‖s with r zeroed",
      (sig: Uint8Array) => Uint8Array.from([...Array(32).fill(0), ...p256DerToRaw(sig)!.subarray(32)]),
    ],
    [
      "raw r‖s with s set to n",
      (sig: Uint8Array) =>
        Uint8Array.from([...p256DerToRaw(sig)!.subarray(0, 32), ...bytesOf(P256_ORDER, 32)]),
    ],
    ["63 bytes", (sig: Uint8Array) => p256DerToRaw(sig)!.subarray(1)],
  ])("refuses an ES256 signature as %s with the uniform 401", async (_label, spoil) => {
    const { app, keyId, privateKeyPem } = await signedApp("ES256");
    const timestamp = Date.now();
    const raw = JSON.stringify(tokenBody(app));
    const signature = await realSignature("node", "ES256", privateKeyPem, `${timestamp}.${raw}`);
    const response = await signedCall(keyId, timestamp, raw, spoil(signature));
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
  });

  it("accepts PS256 with salt length 32 (WebCrypto, the defined form)", async () => {
    const { app, keyId, privateKeyPem } = await signedApp("PS256");
    const key = await crypto.subtle.importKey(
      "pkcs8",
      pemBody(privateKeyPem),
      { name: "RSA-PSS", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const timestamp = Date.now();
    const raw = JSON.stringify(tokenBody(app));
    const message = new TextEncoder().encode(`${timestamp}.${raw}`);
    const signature = new Uint8Array(
      await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, key, message),
    );
    expect((await signedCall(keyId, timestamp, raw, signature)).status).toBe(200);
  });
});

describe("the cost of a wrong signature (docs/cpr.md#accepted-forms: one verification per accepted form)", () => {
  afterEach(() => vi.restoreAllMocks());

  async function verificationsFor(alg: Alg, signature: Uint8Array) {
    const { publicKeyPem } = await keyPair(alg);
    const keys: Record<string, RequestKey> = {
      k: { alg, publicKeyPem, createdAt: new Date(0).toISOString() } as RequestKey,
    };
    const now = 1_900_000_000_000;
    const headers = new Headers({
      "X-Key-Id": "k",
      "X-Timestamp": String(now),
      "X-Signature": base64(signature),
    });
    const verify = vi.spyOn(crypto.subtle, "verify");
    const result = await verifyRequestSignature(keys, headers, new ArrayBuffer(2), now);
    expect(result).toEqual({ ok: false, reason: "signature_invalid" });
    return verify.mock.calls.length;
  }

  it.each([
    ["ES256", "a wrong DER signature", 1, der([0x01], [0x01])],
    ["ES256", "a wrong raw signature", 1, Uint8Array.from(Array(64).fill(1))],
    ["ES256", "a malformed DER signature", 0, der([0x01], [0x01], [0x00])],
    ["PS256", "a wrong signature", 2, Uint8Array.from(Array(256).fill(1))],
    ["RS256", "a wrong signature", 1, Uint8Array.from(Array(256).fill(1))],
  ] as const)("%s, %s: %i verification(s)", async (alg, _label, count, signature) => {
    expect(await verificationsFor(alg, signature)).toBe(count);
  });

  it("verifies nothing for a stale timestamp", async () => {
    const { publicKeyPem } = await keyPair("ES256");
    const keys = { k: { alg: "ES256", publicKeyPem, createdAt: new Date(0).toISOString() } as RequestKey };
    const now = 1_900_000_000_000;
    const stale = now - SIGNATURE_WINDOW_MS - 1;
    const headers = new Headers({ "X-Key-Id": "k", "X-Timestamp": String(stale), "X-Signature": "AAAA" });
    const verify = vi.spyOn(crypto.subtle, "verify");
    expect(await verifyRequestSignature(keys, headers, new ArrayBuffer(0), now)).toEqual({
      ok: false,
      reason: "signature_stale",
    });
    expect(verify).not.toHaveBeenCalled();
  });
});

function pemBody(pem: string): ArrayBuffer {
  const text = pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0)).buffer as ArrayBuffer;
}
