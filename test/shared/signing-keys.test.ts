import type { JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { loadKeyRing, SigningKeysError } from "../../src/shared/signing-keys";
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

describe("loadKeyRing", () => {
  it("loads an ES256 key as the active key and serves only its public members", async () => {
    const ring = await loadKeyRing(signingKeysSecret(es));
    expect(ring.active.kid).toBe("k-es");
    expect(ring.active.alg).toBe("ES256");
    expect(ring.jwks).toEqual({
      keys: [{ kty: "EC", crv: "P-256", x: es.x, y: es.y, kid: "k-es", alg: "ES256", use: "sig" }],
    });
  });

  it("loads RS256 and EdDSA keys beside ES256, the first key signing and every key verifying", async () => {
    const ring = await loadKeyRing(signingKeysSecret(rs, es, ed));
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
    const ring = await loadKeyRing(
      signingKeysSecret(without(es, "alg"), without(rs, "alg"), without(ed, "alg")),
    );
    expect([...ring.keys.values()].map((key) => [key.kid, key.alg])).toEqual([
      ["k-es", "ES256"],
      ["k-rs", "RS256"],
      ["k-ed", "EdDSA"],
    ]);
  });

  it("never puts a private member or private value into the served JWK set", async () => {
    const ring = await loadKeyRing(signingKeysSecret(es, rs, ed));
    for (const key of ring.jwks.keys) {
      for (const name of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(name);
    }
    const served = JSON.stringify(ring.jwks);
    for (const value of [es.d, rs.d, rs.p, rs.q, rs.dp, rs.dq, rs.qi, ed.d]) {
      expect(served).not.toContain(value);
    }
  });

  it("returns the same ring for the same secret and a new one when the secret changes", async () => {
    const secret = signingKeysSecret(es);
    const first = await loadKeyRing(secret);
    expect(await loadKeyRing(secret)).toBe(first);
    const rotated = await loadKeyRing(signingKeysSecret(rs, es));
    expect(rotated).not.toBe(first);
    expect(rotated.active.kid).toBe("k-rs");
  });

  it("loads a good secret after a bad one without keeping the failure", async () => {
    await expect(loadKeyRing("{")).rejects.toBeInstanceOf(SigningKeysError);
    expect((await loadKeyRing(signingKeysSecret(ed))).active.kid).toBe("k-ed");
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
      const error = await loadKeyRing(secret()).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SigningKeysError);
      expect((error as Error).message).toBe(message);
      for (const value of [es.d, rs.d, ed.d]) expect((error as Error).message).not.toContain(value);
    },
  );
});
