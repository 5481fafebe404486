import type { JWK } from "jose";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { forgetSigningKeyRing, signingKeyRing } from "../../src/shared/signing-key-ring";
import { RING_CACHE_MS } from "../../src/shared/signing-key-store";
import { keyRingFromSet, SigningKeysError } from "../../src/shared/signing-keys";
import { envWithOwnKeyStore } from "../support/signing-key-store";
import { privateJwk, signingKeysSecret } from "./test-keys";

// Members that make a JWK private (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2), plus a symmetric key.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

let es: JWK;
let rs: JWK;
let ed: JWK;

beforeAll(async () => {
  [es, rs, ed] = await Promise.all([
    privateJwk("ES256", "k-es"),
    privateJwk("RS256", "k-rs"),
    privateJwk("EdDSA", "k-ed"),
  ]);
});

function without(jwk: JWK, ...names: string[]): JWK {
  return Object.fromEntries(Object.entries(jwk).filter(([name]) => !names.includes(name)));
}

describe("keyRingFromSet: the SIGNING_KEYS format", () => {
  it("loads an ES256 key as the active key and serves only its public members", async () => {
    const ring = await keyRingFromSet(signingKeysSecret(es));
    expect(ring.active.kid).toBe("k-es");
    expect(ring.active.alg).toBe("ES256");
    expect(ring.jwks).toEqual({
      keys: [{ kty: "EC", crv: "P-256", x: es.x, y: es.y, kid: "k-es", alg: "ES256", use: "sig" }],
    });
  });

  it("loads RS256 and EdDSA keys beside ES256, the first key signing and every key verifying", async () => {
    const ring = await keyRingFromSet(signingKeysSecret(rs, es, ed));
    expect(ring.active.kid).toBe("k-rs");
    expect(ring.active.alg).toBe("RS256");
    expect([...ring.keys.keys()]).toEqual(["k-rs", "k-es", "k-ed"]);
    expect(ring.jwks.keys).toEqual([
      { kty: "RSA", n: rs.n, e: rs.e, kid: "k-rs", alg: "RS256", use: "sig" },
      { kty: "EC", crv: "P-256", x: es.x, y: es.y, kid: "k-es", alg: "ES256", use: "sig" },
      { kty: "OKP", crv: "Ed25519", x: ed.x, kid: "k-ed", alg: "EdDSA", use: "sig" },
    ]);
  });

  it("infers the algorithm from the key type when alg is omitted", async () => {
    const ring = await keyRingFromSet(
      signingKeysSecret(without(es, "alg"), without(rs, "alg"), without(ed, "alg")),
    );
    expect([...ring.keys.values()].map((key) => [key.kid, key.alg])).toEqual([
      ["k-es", "ES256"],
      ["k-rs", "RS256"],
      ["k-ed", "EdDSA"],
    ]);
  });

  it("never puts a private member or private value into the served JWK set", async () => {
    const ring = await keyRingFromSet(signingKeysSecret(es, rs, ed));
    for (const key of ring.jwks.keys) {
      for (const name of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(name);
    }
    const served = JSON.stringify(ring.jwks);
    for (const value of [es.d, rs.d, rs.p, rs.q, rs.dp, rs.dq, rs.qi, ed.d]) {
      expect(served).not.toContain(value);
    }
  });

  const refusals: Array<[string, () => string | undefined, string]> = [
    ["a missing secret", () => undefined, "SIGNING_KEYS is not set"],
    ["an empty secret", () => "", "SIGNING_KEYS is not set"],
    ["corrupt JSON", () => '{"keys":[', "SIGNING_KEYS is not valid JSON"],
    ["a bare array", () => JSON.stringify([es]), "SIGNING_KEYS is not a private JWK set with kids"],
    ["an empty set", () => signingKeysSecret(), "SIGNING_KEYS is not a private JWK set with kids"],
    [
      "a key without kid",
      () => signingKeysSecret(without(es, "kid")),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "a kid with a space",
      () => signingKeysSecret({ ...es, kid: "k es" }),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "a public key only",
      () => signingKeysSecret(without(es, "d")),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "a public key second",
      () => signingKeysSecret(es, without(rs, "d")),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "a symmetric key",
      () => signingKeysSecret({ kty: "oct", k: "c2VjcmV0", kid: "k-hs", alg: "HS256" }),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "an unsupported alg name",
      () => signingKeysSecret({ ...es, alg: "ES384" }),
      "SIGNING_KEYS is not a private JWK set with kids",
    ],
    [
      "an EC key labelled RS256",
      () => signingKeysSecret({ ...es, alg: "RS256" }),
      "SIGNING_KEYS key k-es has an unsupported type or algorithm",
    ],
    [
      "an RSA key labelled ES256",
      () => signingKeysSecret(es, { ...rs, alg: "ES256" }),
      "SIGNING_KEYS key k-rs has an unsupported type or algorithm",
    ],
    [
      "an Ed25519 key labelled ES256",
      () => signingKeysSecret({ ...ed, alg: "ES256" }),
      "SIGNING_KEYS key k-ed has an unsupported type or algorithm",
    ],
    [
      "an X25519 key",
      () => signingKeysSecret({ ...without(ed, "alg"), crv: "X25519" }),
      "SIGNING_KEYS key k-ed has an unsupported type or algorithm",
    ],
    [
      "a P-384 key",
      () => signingKeysSecret({ ...without(es, "alg"), crv: "P-384" }),
      "SIGNING_KEYS key k-es has an unsupported type or algorithm",
    ],
    [
      "a duplicate kid",
      () => signingKeysSecret(es, { ...rs, kid: "k-es" }),
      "SIGNING_KEYS has kid k-es twice",
    ],
    [
      "corrupt key material",
      () => signingKeysSecret({ ...es, x: "AAAA" }),
      "SIGNING_KEYS key k-es cannot be imported",
    ],
    [
      "corrupt material in a verify-only key",
      () => signingKeysSecret(es, { ...rs, n: "AAAA" }),
      "SIGNING_KEYS key k-rs cannot be imported",
    ],
  ];

  it.each(refusals)(
    "refuses %s with a SigningKeysError that holds no key material",
    async (_, secret, message) => {
      const error = await keyRingFromSet(secret()).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SigningKeysError);
      expect((error as Error).message).toBe(message);
      for (const value of [es.d, rs.d, ed.d]) expect((error as Error).message).not.toContain(value);
    },
  );
});

describe("signingKeyRing: the per-isolate cache of the store's ring", () => {
  afterEach(() => forgetSigningKeyRing());

  /** The env with a store that fails every call, as an unreachable object would. */
  const unreachable = (testEnv: Env): Env => ({
    ...testEnv,
    SIGNING_KEY_STORE: {
      getByName: () => ({ read: () => Promise.reject(new Error("store unreachable")) }),
    } as unknown as Env["SIGNING_KEY_STORE"],
  });

  it("serves the ring without asking the store for 60 s, then asks it again", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    const ring = await signingKeyRing(testEnv, t0);
    expect(await signingKeyRing(unreachable(testEnv), t0 + RING_CACHE_MS - 1)).toBe(ring);
    await expect(signingKeyRing(unreachable(testEnv), t0 + RING_CACHE_MS)).rejects.toThrow(
      "store unreachable",
    );
    // The failure is not kept: the next request reads the store again.
    const reloaded = await signingKeyRing(testEnv, t0 + RING_CACHE_MS);
    expect(reloaded).not.toBe(ring);
    expect(reloaded.active.kid).toBe(ring.active.kid);
    expect(reloaded.jwksBody).toBe(ring.jwksBody);
    expect(reloaded.jwksEtag).toBe(ring.jwksEtag);
  });

  it("never serves a ring opened under one KEY_ENCRYPTION_SECRET to a request with another", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    await signingKeyRing(testEnv, t0);
    await expect(signingKeyRing({ ...testEnv, KEY_ENCRYPTION_SECRET: "another" }, t0 + 1)).rejects.toThrow(
      "KEY_ENCRYPTION_SECRET is not the secret that sealed signing key",
    );
  });
});
