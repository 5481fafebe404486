import { env, exports } from "cloudflare:workers";
import { createRemoteJWKSet, errors, customFetch as joseCustomFetch, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { describe, expect, it } from "vitest";
import { grantedToken } from "../cpr/helpers";
import { provisionApp } from "../support/tenants";
import { call, json, uid } from "../support/worker";
import { bindDevice, processCall, provisionMerchant, signedBody } from "../upi/support";

/**
 * Issue 14: clients nobody on this project wrote, configured as their READMEs say. oauth4webapi
 * and jose resolve URLs themselves; their `customFetch` hooks route every request they make to
 * the real Worker, so discovery follows the URLs the documents give (`ISSUER`-based) unchanged.
 */

const ISSUER = env.ISSUER;
const viaWorker = (url: string, init?: RequestInit) => exports.default.fetch(new Request(url, init));
const options = { [oauth.customFetch]: viaWorker };

async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const response = await oauth.discoveryRequest(new URL(issuer), { algorithm: "oauth2", ...options });
  return oauth.processDiscoveryResponse(new URL(issuer), response);
}

async function introspect(as: oauth.AuthorizationServer, clientId: string, secret: string, token: string) {
  const response = await oauth.introspectionRequest(
    as,
    { client_id: clientId },
    oauth.ClientSecretBasic(secret),
    token,
    options,
  );
  return oauth.processIntrospectionResponse(as, { client_id: clientId }, response);
}

async function revoke(as: oauth.AuthorizationServer, clientId: string, secret: string, token: string) {
  const response = await oauth.revocationRequest(
    as,
    { client_id: clientId },
    oauth.ClientSecretBasic(secret),
    token,
    options,
  );
  return oauth.processRevocationResponse(response);
}

/**
 * A migrated secret (docs/admin.md#secrets) holding every character that RFC 6749 §2.3.1 encoding changes.
 */
const awkwardSecret = () => `k-_.~+ /%:${crypto.randomUUID()}`;

async function upiSessionToken(merchant: Awaited<ReturnType<typeof provisionMerchant>>) {
  const customerId = uid("cust");
  await bindDevice(merchant.merchantId, customerId);
  const response = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.payload.sessionToken as string;
}

describe("RFC 8414 metadata through oauth4webapi's discovery (docs/tokens.md#metadata)", () => {
  it.each([
    ["", ISSUER],
    ["/cpr", `${ISSUER}/cpr`],
    ["/upi", `${ISSUER}/upi`],
  ])("serves the document of %j that discovery for %s accepts", async (suffix, issuer) => {
    const response = await call(`/.well-known/oauth-authorization-server${suffix}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600");
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    const expected = {
      issuer,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      introspection_endpoint: `${ISSUER}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: ["client_secret_basic"],
      response_types_supported: [],
      grant_types_supported: [],
      service_documentation: `${ISSUER}/docs`,
    };
    expect(await json(response)).toEqual(expected);
    expect(await discover(issuer)).toEqual(expected);
  });

  it("lets discovery for one kind refuse the other kind's document (issuer mismatch)", async () => {
    const response = await call("/.well-known/oauth-authorization-server/upi");
    await expect(oauth.processDiscoveryResponse(new URL(`${ISSUER}/cpr`), response)).rejects.toMatchObject({
      code: oauth.JSON_ATTRIBUTE_COMPARISON,
    });
  });

  it.each([
    "/.well-known/oauth-authorization-server/",
    "/.well-known/oauth-authorization-server/cpr/",
    "/.well-known/oauth-authorization-server/upi/",
    "/.well-known/oauth-authorization-server/cprx",
    "/.well-known/oauth-authorization-server/cpr/x",
    "/.well-known/oauth-authorization-server/CPR",
    "/.well-known/oauth-authorization-server/portal",
    "/.well-known/oauth-authorization-server.json",
    "/.well-known/openid-configuration",
  ])("answers %s with 404", async (path) => {
    const response = await call(path);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: "not_found" });
  });

  it("lets a browser read the JWKS from another origin", async () => {
    const response = await call("/.well-known/jwks.json", { headers: { Origin: "https://app.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("puts CORS on the public documents only, not on token routes", async () => {
    const response = await call("/healthz", { headers: { Origin: "https://app.example" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("oauth4webapi introspection and revocation with client_secret_basic (docs/http.md#credentials, docs/tokens.md#client-authentication)", () => {
  it("introspects and revokes a CPR token for an app whose id and key hold - and _", async () => {
    const appKey = awkwardSecret();
    const app = await provisionApp({ appId: uid("acme_app"), appKey });
    const token = (await grantedToken(app)).answer.result.authToken.slice("Bearer ".length);
    const as = await discover(`${ISSUER}/cpr`);
    expect(await introspect(as, app.appId, appKey, token)).toMatchObject({
      active: true,
      token_type: "Bearer",
      iss: `${ISSUER}/cpr`,
      aud: app.appId,
      appId: app.appId,
    });
    await revoke(as, app.appId, appKey, token);
    expect(await introspect(as, app.appId, appKey, token)).toEqual({ active: false });
  });

  it("authenticates an app with the key the service generated", async () => {
    const app = await provisionApp({ appId: uid("gen_app") });
    const token = (await grantedToken(app)).answer.result.authToken.slice("Bearer ".length);
    const as = await discover(`${ISSUER}/cpr`);
    expect((await introspect(as, app.appId, app.appKey, token)).active).toBe(true);
  });

  it("introspects and revokes a UPI session token for a merchant whose id and key hold - and _", async () => {
    const apiKey = awkwardSecret();
    const merchant = await provisionMerchant({ merchantId: uid("acme_merchant"), apiKey });
    const token = await upiSessionToken(merchant);
    const as = await discover(`${ISSUER}/upi`);
    expect(await introspect(as, merchant.merchantId, apiKey, token)).toMatchObject({
      active: true,
      iss: `${ISSUER}/upi`,
      aud: merchant.merchantId,
    });
    await revoke(as, merchant.merchantId, apiKey, token);
    expect(await introspect(as, merchant.merchantId, apiKey, token)).toEqual({ active: false });
  });

  it("refuses oauth4webapi with a secret one character off (the twin)", async () => {
    const appKey = awkwardSecret();
    const app = await provisionApp({ appId: uid("acme_app"), appKey });
    const token = (await grantedToken(app)).answer.result.authToken.slice("Bearer ".length);
    const as = await discover(`${ISSUER}/cpr`);
    const refusal = await introspect(as, app.appId, `${appKey}x`, token).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect(refusal).toMatchObject({ status: 401 });
    expect(await (refusal as oauth.WWWAuthenticateChallengeError).response.json()).toEqual({
      error: "invalid_client",
      error_description: "Client authentication failed",
    });
  });
});

describe("jose verifiers configured per kind (docs/tokens.md#issuers, RFC 8725 §3.11)", () => {
  const jwks = createRemoteJWKSet(new URL(`${ISSUER}/.well-known/jwks.json`), {
    [joseCustomFetch]: viaWorker,
  });
  // Configured as jose's README says: issuer, audience, algorithms. No `typ`: the issuer alone
  // must keep the kinds apart, as it does for PyJWT, jsonwebtoken and jwcrypto.
  const verifier = (kind: "cpr" | "upi", audience: string) => (token: string) =>
    jwtVerify(token, jwks, {
      issuer: `${ISSUER}/${kind}`,
      audience,
      algorithms: ["ES256", "RS256", "EdDSA"],
    });

  it("accepts each kind with its own verifier and rejects it with the other, when an app and a merchant share an id", async () => {
    const sharedId = uid("shared");
    const app = await provisionApp({ appId: sharedId });
    const merchant = await provisionMerchant({ merchantId: sharedId });
    const cprToken = (await grantedToken(app)).answer.result.authToken.slice("Bearer ".length);
    const upiToken = await upiSessionToken(merchant);

    expect((await verifier("cpr", sharedId)(cprToken)).payload).toMatchObject({ appId: sharedId });
    expect((await verifier("upi", sharedId)(upiToken)).payload).toMatchObject({ merchantId: sharedId });
    for (const [kind, token] of [
      ["cpr", upiToken],
      ["upi", cprToken],
    ] as const) {
      const rejection = await verifier(kind, sharedId)(token).catch((error: unknown) => error);
      expect(rejection).toBeInstanceOf(errors.JWTClaimValidationFailed);
      expect(rejection).toMatchObject({ claim: "iss", reason: "check_failed" });
    }
  });
});
