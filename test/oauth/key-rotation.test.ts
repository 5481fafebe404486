import { exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { issueJwt, verifyJwt } from "../../src/shared/jwt";
import { loadKeyRing } from "../../src/shared/signing-keys";

// The rotation drill of the README, step by step, on the real key ring code: a verifier that only
// knows the JWKS of the moment keeps accepting every unexpired token through the rotation.
async function privateJwk(kid: string) {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: "ES256" };
}

const ISSUER = "https://issuer.test";
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3600 * 1000;

async function sign(secret: string, now: number) {
  const ring = await loadKeyRing(secret);
  const { jwt } = await issueJwt(ring, {
    typ: "cpr+jwt",
    issuer: ISSUER,
    audience: "app",
    subject: "txn",
    lifetimeSeconds: 24 * 3600,
    now,
    claims: {},
  });
  return jwt;
}

async function verifies(secret: string, jwt: string, now: number) {
  return (await verifyJwt(await loadKeyRing(secret), jwt, { typ: "cpr+jwt", issuer: ISSUER, now })).ok;
}

describe("signing key rotation drill", () => {
  it("publishes the next key before it signs, keeps the old one verifying, then retires it", async () => {
    const [oldKey, nextKey] = await Promise.all([privateJwk("k-2026-10"), privateJwk("k-2026-11")]);
    const before = JSON.stringify({ keys: [oldKey] });
    const tokenFromOldKey = await sign(before, NOW);

    // Step 1: the next key is added after the active one: published, not yet signing.
    const published = JSON.stringify({ keys: [oldKey, nextKey] });
    const ring1 = await loadKeyRing(published);
    expect(ring1.active.kid).toBe("k-2026-10");
    expect(ring1.jwks.keys.map((key) => key.kid)).toEqual(["k-2026-10", "k-2026-11"]);

    // Step 2: swap the order: the next key signs, the old one still verifies.
    const switched = JSON.stringify({ keys: [nextKey, oldKey] });
    const tokenFromNextKey = await sign(switched, NOW + HOUR);
    expect(await verifies(switched, tokenFromOldKey, NOW + 2 * HOUR)).toBe(true);
    expect(await verifies(switched, tokenFromNextKey, NOW + 2 * HOUR)).toBe(true);

    // Step 3: after the longest lifetime (24 h for CPR) the old key is removed.
    const retired = JSON.stringify({ keys: [nextKey] });
    expect(await verifies(retired, tokenFromNextKey, NOW + 20 * HOUR)).toBe(true);
    expect(await verifies(retired, tokenFromOldKey, NOW + 20 * HOUR)).toBe(false);
    expect((await loadKeyRing(retired)).jwks.keys.map((key) => key.kid)).toEqual(["k-2026-11"]);
  });

  it("a token signed by the old key is dead once its 24 h lifetime has passed, before the key is retired", async () => {
    const [oldKey, nextKey] = await Promise.all([privateJwk("old"), privateJwk("next")]);
    const token = await sign(JSON.stringify({ keys: [oldKey] }), NOW);
    const switched = JSON.stringify({ keys: [nextKey, oldKey] });
    expect(await verifies(switched, token, NOW + 24 * HOUR - 1000)).toBe(true);
    expect(await verifies(switched, token, NOW + 24 * HOUR + 1000)).toBe(false);
  });
});
