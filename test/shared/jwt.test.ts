import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { issueJwt, verifyJwt } from "../../src/shared/jwt";
import { type KeyRing, keyRingFromSet } from "../../src/shared/signing-keys";
import { privateJwk, signingKeysSecret } from "./test-keys";

const ISSUER = "https://authedge.test";
const NOW = 1_800_000_000_000;
const IAT = NOW / 1000;
const LIFETIME = 600;

let es: JWK;
let rs: JWK;
let ed: JWK;
let stranger: JWK;
let ring: KeyRing;

beforeAll(async () => {
  [es, rs, ed, stranger] = await Promise.all([
    privateJwk("ES256", "k-es"),
    privateJwk("RS256", "k-rs"),
    privateJwk("EdDSA", "k-ed"),
    privateJwk("ES256", "k-es"),
  ]);
  ring = await keyRingFromSet(signingKeysSecret(es, rs, ed));
});

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { iss: ISSUER, aud: "app-1", sub: "txn-1", iat: IAT, exp: IAT + LIFETIME, ...overrides };
}

/** Signs like an attacker or another service would: any key, any header. */
async function signWith(jwk: JWK, header: Record<string, unknown>, payload: JWTPayload = claims()) {
  const key = await importJWK(jwk, jwk.alg);
  return new SignJWT(payload).setProtectedHeader({ alg: jwk.alg!, ...header }).sign(key);
}

function encodeSegment(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

async function hmacSign(secret: Uint8Array, signingInput: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signingInput));
  return base64url.encode(new Uint8Array(mac));
}

const expectCpr = { typ: "cpr+jwt", issuer: ISSUER, now: NOW } as const;

describe("issueJwt", () => {
  it("signs with the active key and sets kid, typ and the registered claims", async () => {
    const { jwt, payload } = await issueJwt(ring, {
      typ: "cpr+jwt",
      issuer: ISSUER,
      audience: "app-1",
      subject: "txn-1",
      lifetimeSeconds: LIFETIME,
      now: NOW + 999,
      claims: { workflowId: "wf-1" },
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "ES256", kid: "k-es", typ: "cpr+jwt" });
    expect(decodeJwt(jwt)).toEqual(payload);
    expect(payload).toEqual({
      workflowId: "wf-1",
      iss: ISSUER,
      aud: "app-1",
      sub: "txn-1",
      iat: IAT,
      exp: IAT + LIFETIME,
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await verifyJwt(ring, jwt, expectCpr)).toEqual({ ok: true, value: payload });
  });

  it("never lets family claims override the registered ones", async () => {
    const { payload } = await issueJwt(ring, {
      typ: "cpr+jwt",
      issuer: ISSUER,
      audience: "app-1",
      subject: "txn-1",
      lifetimeSeconds: LIFETIME,
      now: NOW,
      claims: { iss: "https://evil.test", aud: "other", sub: "x", exp: IAT + 10 ** 9, iat: 0, jti: "fixed" },
    });
    expect(payload).toMatchObject({ iss: ISSUER, aud: "app-1", sub: "txn-1", exp: IAT + LIFETIME, iat: IAT });
    expect(payload.jti).not.toBe("fixed");
  });

  it.each([
    ["ES256", () => es],
    ["RS256", () => rs],
    ["EdDSA", () => ed],
  ] as const)(
    "makes the header and payload bytes jose's SignJWT makes, signed with an active %s key",
    async (alg, jwk) => {
      const active = await keyRingFromSet(signingKeysSecret(jwk()));
      const { jwt, payload } = await issueJwt(active, {
        typ: "upi-session+jwt",
        issuer: ISSUER,
        audience: "m-1",
        subject: "c-1",
        lifetimeSeconds: LIFETIME,
        now: NOW,
        // A non-ASCII claim goes through UTF-8 like jose's.
        claims: { merchantId: "m-1", deviceFingerPrint: "fp-é✓", rev: 0 },
      });
      const reference = await new SignJWT(payload)
        .setProtectedHeader({ alg, kid: jwk().kid!, typ: "upi-session+jwt" })
        .sign(await importJWK(jwk(), alg));
      const [header, body, signature] = jwt.split(".");
      expect(`${header}.${body}`).toBe(reference.split(".").slice(0, 2).join("."));
      expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
      // RSASSA-PKCS1-v1_5 and Ed25519 sign deterministically: the whole token is jose's.
      if (alg !== "ES256") expect(jwt).toBe(reference);
      const verified = await verifyJwt(active, jwt, { typ: "upi-session+jwt", issuer: ISSUER, now: NOW });
      expect(verified).toEqual({ ok: true, value: payload });
    },
  );

  it("gives every token its own jti", async () => {
    const options = {
      typ: "cpr+jwt",
      issuer: ISSUER,
      audience: "a",
      subject: "s",
      lifetimeSeconds: 60,
      now: NOW,
      claims: {},
    } as const;
    const [a, b] = await Promise.all([issueJwt(ring, options), issueJwt(ring, options)]);
    expect(a.payload.jti).not.toBe(b.payload.jti);
  });
});

describe("verifyJwt", () => {
  it.each([
    ["the active ES256 key", () => es],
    ["the second, RS256 key", () => rs],
    ["the third, EdDSA key", () => ed],
  ])("accepts a token signed by %s", async (_, key) => {
    const token = await signWith(key(), { kid: key().kid, typ: "cpr+jwt" });
    expect(await verifyJwt(ring, token, expectCpr)).toEqual({ ok: true, value: claims() });
  });

  it("keeps verifying an old key's tokens after rotation, until the key is removed", async () => {
    const token = await signWith(es, { kid: "k-es", typ: "cpr+jwt" });
    const rotated = await keyRingFromSet(signingKeysSecret(rs, es));
    expect((await verifyJwt(rotated, token, expectCpr)).ok).toBe(true);
    const removed = await keyRingFromSet(signingKeysSecret(rs));
    expect(await verifyJwt(removed, token, expectCpr)).toEqual({ ok: false, reason: "unknown_key" });
  });

  it("checks the audience when one is expected", async () => {
    const token = await signWith(es, { kid: "k-es", typ: "cpr+jwt" });
    expect((await verifyJwt(ring, token, { ...expectCpr, audience: "app-1" })).ok).toBe(true);
    expect(await verifyJwt(ring, token, { ...expectCpr, audience: "app-2" })).toEqual({
      ok: false,
      reason: "wrong_claims",
    });
  });

  it("accepts a token up to the last millisecond before exp and rejects it from exp on", async () => {
    const token = await signWith(es, { kid: "k-es", typ: "cpr+jwt" });
    const exp = (IAT + LIFETIME) * 1000;
    expect((await verifyJwt(ring, token, { ...expectCpr, now: exp - 1 })).ok).toBe(true);
    expect(await verifyJwt(ring, token, { ...expectCpr, now: exp })).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  const forgeries: Array<[string, () => Promise<string>, string]> = [
    [
      "alg none",
      async () =>
        `${encodeSegment({ alg: "none", kid: "k-es", typ: "cpr+jwt" })}.${encodeSegment(claims())}.`,
      "malformed",
    ],
    [
      "HS256 keyed with our ES256 public key (PEM)",
      async () => {
        const spki = await exportSPKI(ring.keys.get("k-es")!.publicKey);
        const input = `${encodeSegment({ alg: "HS256", kid: "k-es", typ: "cpr+jwt" })}.${encodeSegment(claims())}`;
        return `${input}.${await hmacSign(new TextEncoder().encode(spki), input)}`;
      },
      "malformed",
    ],
    [
      "HS256 keyed with our RS256 public JWK",
      async () => {
        const jwk = JSON.stringify(ring.keys.get("k-rs")!.publicJwk);
        const input = `${encodeSegment({ alg: "HS256", kid: "k-rs", typ: "cpr+jwt" })}.${encodeSegment(claims())}`;
        return `${input}.${await hmacSign(new TextEncoder().encode(jwk), input)}`;
      },
      "malformed",
    ],
    [
      "a tampered payload",
      async () => {
        const [header, , signature] = (await signWith(es, { kid: "k-es", typ: "cpr+jwt" })).split(".");
        return `${header}.${encodeSegment(claims({ sub: "txn-2" }))}.${signature}`;
      },
      "bad_signature",
    ],
    [
      "a one-character change in the signature",
      async () => {
        const token = await signWith(es, { kid: "k-es", typ: "cpr+jwt" });
        const flipped = token.at(-2) === "A" ? "B" : "A";
        return `${token.slice(0, -2)}${flipped}${token.at(-1)}`;
      },
      "bad_signature",
    ],
    [
      "a stranger's key under our kid",
      () => signWith(stranger, { kid: "k-es", typ: "cpr+jwt" }),
      "bad_signature",
    ],
    ["an unknown kid", () => signWith(es, { kid: "k-unknown", typ: "cpr+jwt" }), "unknown_key"],
    ["no kid", () => signWith(es, { typ: "cpr+jwt" }), "unknown_key"],
    ["RS256 under the ES256 key's kid", () => signWith(rs, { kid: "k-es", typ: "cpr+jwt" }), "unknown_key"],
    ["ES256 under the RS256 key's kid", () => signWith(es, { kid: "k-rs", typ: "cpr+jwt" }), "unknown_key"],
    [
      "no exp",
      () => signWith(es, { kid: "k-es", typ: "cpr+jwt" }, { ...claims(), exp: undefined }),
      "wrong_claims",
    ],
    ["no typ", () => signWith(es, { kid: "k-es" }), "wrong_claims"],
    ["another token kind's typ", () => signWith(es, { kid: "k-es", typ: "upi-session+jwt" }), "wrong_claims"],
    ["a generic typ", () => signWith(es, { kid: "k-es", typ: "JWT" }), "wrong_claims"],
    [
      "another issuer",
      () => signWith(es, { kid: "k-es", typ: "cpr+jwt" }, claims({ iss: "https://evil.test" })),
      "wrong_claims",
    ],
    [
      "no issuer",
      () => signWith(es, { kid: "k-es", typ: "cpr+jwt" }, { ...claims(), iss: undefined }),
      "wrong_claims",
    ],
    [
      "a future nbf",
      () => signWith(es, { kid: "k-es", typ: "cpr+jwt" }, claims({ nbf: IAT + 60 })),
      "wrong_claims",
    ],
    [
      "an expired exp",
      () => signWith(es, { kid: "k-es", typ: "cpr+jwt" }, claims({ exp: IAT - 1 })),
      "expired",
    ],
    ["garbage", async () => "not.a.jwt", "malformed"],
    ["an empty string", async () => "", "malformed"],
  ];

  it.each(forgeries)("rejects %s", async (_, forge, reason) => {
    expect(await verifyJwt(ring, await forge(), expectCpr)).toEqual({ ok: false, reason });
  });
});
