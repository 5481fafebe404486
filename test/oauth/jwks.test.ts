import { env } from "cloudflare:workers";
import {
  createLocalJWKSet,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from "jose";
import { describe, expect, it } from "vitest";
import { issueJwt } from "../../src/shared/jwt";
import { keyRingFromSet } from "../../src/shared/signing-keys";
import { call, json } from "../support/worker";

// Exactly the public members RFC 7518 §6.2.1, §6.3.1 and RFC 8037 §2 define, plus our metadata.
const PUBLIC_MEMBERS: Record<string, string[]> = {
  EC: ["alg", "crv", "kid", "kty", "use", "x", "y"],
  RSA: ["alg", "e", "kid", "kty", "n", "use"],
  OKP: ["alg", "crv", "kid", "kty", "use", "x"],
};

const configuredKeys: JWK[] = JSON.parse(env.SIGNING_KEYS!).keys;

async function servedJwks(): Promise<JSONWebKeySet> {
  const response = await call("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  return json(response);
}

describe("GET /.well-known/jwks.json", () => {
  it("serves the store's keys imported from SIGNING_KEYS: active, the generated next, then retired; cacheable", async () => {
    const response = await call("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300, stale-while-revalidate=60");
    const body = await json(response);
    // vitest.config.ts: SIGNING_KEYS holds an ES256 key (imported active) and an RS256 one (imported retired).
    const [active, retired] = configuredKeys;
    expect(body.keys.map((key: JWK) => [key.alg, key.use])).toEqual([
      [active!.alg, "sig"],
      ["ES256", "sig"],
      [retired!.alg, "sig"],
    ]);
    expect(body.keys[0].kid).toBe(active!.kid);
    expect(body.keys[1].kid).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/);
    expect(body.keys[2].kid).toBe(retired!.kid);
    for (const key of body.keys) expect(Object.keys(key).sort()).toEqual(PUBLIC_MEMBERS[key.kty]);
    for (const [index, configured] of [
      [0, active!],
      [2, retired!],
    ] as const) {
      for (const member of PUBLIC_MEMBERS[configured.kty!]!.filter((name) => name !== "use")) {
        expect(body.keys[index][member]).toBe(configured[member as keyof JWK]);
      }
    }
  });

  it("serves the same body with a strong ETag, and 304 without a body to a verifier that has it", async () => {
    const first = await call("/.well-known/jwks.json");
    const etag = first.headers.get("ETag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const text = await first.text();
    const again = await call("/.well-known/jwks.json");
    expect(again.headers.get("ETag")).toBe(etag);
    expect(await again.text()).toBe(text);
    for (const ifNoneMatch of [etag!, `W/${etag}`, `"other", ${etag}`]) {
      const revalidated = await call("/.well-known/jwks.json", { headers: { "If-None-Match": ifNoneMatch } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers.get("ETag")).toBe(etag);
      expect(await revalidated.text()).toBe("");
    }
    const changed = await call("/.well-known/jwks.json", { headers: { "If-None-Match": '"stale"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(text);
  });

  it("contains no private member and no private value", async () => {
    const text = await (await call("/.well-known/jwks.json")).text();
    for (const name of ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
      expect(text).not.toContain(`"${name}":`);
    for (const key of configuredKeys) expect(text).not.toContain(key.d);
  });

  it("verifies a token from issueJwt with jose's createLocalJWKSet over the served set", async () => {
    const { jwt } = await issueJwt(await keyRingFromSet(env.SIGNING_KEYS!), {
      typ: "cpr+jwt",
      issuer: env.ISSUER,
      audience: "app-jwks",
      subject: "txn-jwks",
      lifetimeSeconds: 300,
      now: Date.now(),
      claims: { appId: "app-jwks" },
    });
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await servedJwks()), {
      issuer: env.ISSUER,
      audience: "app-jwks",
      typ: "cpr+jwt",
    });
    expect(protectedHeader.kid).toBe(configuredKeys[0]!.kid);
    expect(payload).toMatchObject({ appId: "app-jwks", sub: "txn-jwks" });
  });

  it("lets a verifier check tokens of the verify-only keys too", async () => {
    const second = configuredKeys[1]!;
    const token = await new SignJWT({ sub: "s" })
      .setProtectedHeader({ alg: second.alg!, kid: second.kid, typ: "cpr+jwt" })
      .setExpirationTime("5m")
      .sign(await importJWK(second, second.alg));
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(await servedJwks()));
    expect(protectedHeader.kid).toBe(second.kid);
  });

  it("rejects, through the served set, a token signed by a key that is not in it", async () => {
    const first = configuredKeys[0]!;
    const { privateKey } = await generateKeyPair(first.alg!);
    const token = await new SignJWT({ sub: "s" })
      .setProtectedHeader({ alg: first.alg!, kid: first.kid })
      .setExpirationTime("5m")
      .sign(privateKey);
    await expect(jwtVerify(token, createLocalJWKSet(await servedJwks()))).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("answers a wrong method with 405 and Allow", async () => {
    const response = await call("/.well-known/jwks.json", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
    expect(await json(response)).toEqual({ error: "method_not_allowed" });
  });
});
