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
import { loadKeyRing } from "../../src/shared/signing-keys";
import { call, json } from "../support/worker";

// Exactly the public members RFC 7518 §6.2.1, §6.3.1 and RFC 8037 §2 define, plus our metadata.
const PUBLIC_MEMBERS: Record<string, string[]> = {
  EC: ["alg", "crv", "kid", "kty", "use", "x", "y"],
  RSA: ["alg", "e", "kid", "kty", "n", "use"],
  OKP: ["alg", "crv", "kid", "kty", "use", "x"],
};

const configuredKeys: JWK[] = JSON.parse(env.SIGNING_KEYS).keys;

async function servedJwks(): Promise<JSONWebKeySet> {
  const response = await call("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  return json(response);
}

describe("GET /.well-known/jwks.json", () => {
  it("serves the public half of every configured key, in order, cacheable", async () => {
    const response = await call("/.well-known/jwks.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=300, stale-while-revalidate=60");
    const body = await json(response);
    expect(body.keys.map((key: JWK) => [key.kid, key.alg, key.use])).toEqual(
      configuredKeys.map((key) => [key.kid, key.alg, "sig"]),
    );
    for (const [index, key] of body.keys.entries()) {
      expect(Object.keys(key).sort()).toEqual(PUBLIC_MEMBERS[key.kty]);
      for (const member of PUBLIC_MEMBERS[key.kty]!.filter((name) => name !== "use")) {
        expect(key[member]).toBe(configuredKeys[index]![member as keyof JWK]);
      }
    }
  });

  it("contains no private member and no private value", async () => {
    const text = await (await call("/.well-known/jwks.json")).text();
    for (const name of ["d", "p", "q", "dp", "dq", "qi", "oth", "k"])
      expect(text).not.toContain(`"${name}":`);
    for (const key of configuredKeys) expect(text).not.toContain(key.d);
  });

  it("verifies a token from issueJwt with jose's createLocalJWKSet over the served set", async () => {
    const { jwt } = await issueJwt(await loadKeyRing(env.SIGNING_KEYS), {
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
