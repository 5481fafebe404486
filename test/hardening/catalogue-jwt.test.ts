import { env } from "cloudflare:workers";
import {
  base64url,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyCprToken } from "../../src/cpr/token";
import { transactionStub } from "../../src/cpr/transaction";
import { verifySessionToken } from "../../src/upi/session-token";
import { grantedToken } from "../cpr/helpers";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { call, json, postJson, uid } from "../support/worker";
import { type ProvisionedMerchant, processCall, provisionMerchant, signedBody } from "../upi/support";
import { adminAuth, basicAuth, envelopes } from "./fixtures";
import { expectRefusal, itRefuses, type RefusalCase } from "./negative";

/**
 * JWT attacks against every place a JWT is accepted: the deprecated CPR route's Bearer
 * authentication and `/oauth/introspect` (docs/cpr.md#the-token, docs/tokens.md#client-authentication).
 * test/shared/jwt.test.ts proves `verifyJwt` itself against a throwaway ring; these rows go through the
 * Worker with the real test keys.
 */

interface Forged {
  readonly token: string;
  /** The transaction whose state the token claims: its epoch must not move. */
  readonly transactionId: string;
}

let app: ProvisionedApp;
let otherApp: ProvisionedApp;
let merchant: ProvisionedMerchant;
let ourKeys: { es: JWK; rs: JWK };
let attacker: { privateKey: CryptoKey; publicJwk: JWK };

beforeAll(async () => {
  [app, otherApp, merchant] = await Promise.all([provisionApp(), provisionApp(), provisionMerchant()]);
  const { keys } = JSON.parse(env.SIGNING_KEYS!) as { keys: JWK[] };
  ourKeys = { es: keys.find((key) => key.kty === "EC")!, rs: keys.find((key) => key.kty === "RSA")! };
  const pair = await generateKeyPair("ES256", { extractable: true });
  attacker = { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey) };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const segment = (value: unknown) => base64url.encode(JSON.stringify(value));

async function hs256(secret: Uint8Array, input: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return base64url.encode(
    new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input))),
  );
}

/** A live token of `app` for a fresh transaction: the material every forgery starts from. */
async function liveToken(): Promise<{ jwt: string; claims: JWTPayload; transactionId: string }> {
  const granted = await grantedToken(app);
  return {
    jwt: (granted.answer.result.authToken as string).slice("Bearer ".length),
    claims: granted.claims,
    transactionId: granted.transactionId,
  };
}

async function signed(key: JWK | CryptoKey, header: Record<string, unknown>, payload: JWTPayload) {
  const signingKey = "kty" in key ? await importJWK(key, key.alg) : key;
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", ...header }).sign(signingKey);
}

const CPR_FORGERIES: ReadonlyArray<readonly [string, () => Promise<Forged>]> = [
  [
    "alg none, no signature",
    async () => {
      const { jwt, transactionId } = await liveToken();
      const [, payload] = jwt.split(".");
      return {
        token: `${segment({ ...decodeProtectedHeader(jwt), alg: "none" })}.${payload}.`,
        transactionId,
      };
    },
  ],
  [
    "alg none keeping the real signature",
    async () => {
      const { jwt, transactionId } = await liveToken();
      const [, payload, signature] = jwt.split(".");
      return {
        token: `${segment({ ...decodeProtectedHeader(jwt), alg: "none" })}.${payload}.${signature}`,
        transactionId,
      };
    },
  ],
  ...(
    [
      ["HS256 keyed with our JWKS x bytes", "es", (jwk: JWK) => base64url.decode(jwk.x!)],
      ["HS256 keyed with our JWKS n bytes", "rs", (jwk: JWK) => base64url.decode(jwk.n!)],
      [
        "HS256 keyed with our public JWK as JSON",
        "es",
        (jwk: JWK) => new TextEncoder().encode(JSON.stringify(publicOf(jwk))),
      ],
    ] as const
  ).map(
    ([title, which, secretOf]) =>
      [
        title,
        async () => {
          const { jwt, transactionId } = await liveToken();
          const jwk = ourKeys[which];
          const input = `${segment({ ...decodeProtectedHeader(jwt), alg: "HS256", kid: jwk.kid })}.${jwt.split(".")[1]}`;
          return { token: `${input}.${await hs256(secretOf(jwk), input)}`, transactionId };
        },
      ] as const,
  ),
  [
    "HS256 keyed with our public key as PEM",
    async () => {
      const { jwt, transactionId } = await liveToken();
      const pem = await exportSPKI((await importJWK(publicOf(ourKeys.es), "ES256")) as CryptoKey);
      const input = `${segment({ ...decodeProtectedHeader(jwt), alg: "HS256" })}.${jwt.split(".")[1]}`;
      return { token: `${input}.${await hs256(new TextEncoder().encode(pem), input)}`, transactionId };
    },
  ],
  [
    "a payload moved to another app, keeping the signature",
    async () => {
      const { jwt, claims, transactionId } = await liveToken();
      const [header, , signature] = jwt.split(".");
      const moved = { ...claims, appId: otherApp.appId, aud: otherApp.appId };
      return { token: `${header}.${segment(moved)}.${signature}`, transactionId };
    },
  ],
  [
    "a payload with a later exp, keeping the signature",
    async () => {
      const { jwt, claims, transactionId } = await liveToken();
      const [header, , signature] = jwt.split(".");
      return {
        token: `${header}.${segment({ ...claims, exp: claims.exp! + 86_400 })}.${signature}`,
        transactionId,
      };
    },
  ],
  ...(["nope", "../../etc/passwd", "/dev/null", "test-es256/../test-rs256", "TEST-ES256", ""] as const).map(
    (kid) =>
      [
        `an attacker's signature under the kid ${JSON.stringify(kid)}`,
        async () => {
          const { claims, transactionId } = await liveToken();
          return { token: await signed(attacker.privateKey, { kid, typ: "cpr+jwt" }, claims), transactionId };
        },
      ] as const,
  ),
  [
    "our own signature under the path-like kid ../../etc/passwd",
    async () => {
      const { claims, transactionId } = await liveToken();
      return {
        token: await signed(ourKeys.es, { kid: "../../etc/passwd", typ: "cpr+jwt" }, claims),
        transactionId,
      };
    },
  ],
  ...(
    [
      ["a jku header", { jku: "https://attacker.example/jwks.json", kid: "attacker" }],
      ["an x5u header", { x5u: "https://attacker.example/cert.pem", kid: "attacker" }],
      ["a jku header under our kid", { jku: "https://attacker.example/jwks.json", kid: "test-es256" }],
      ["an embedded jwk header", { jwk: "attacker-public-key", kid: "test-es256" }],
    ] as const
  ).map(
    ([title, header]) =>
      [
        `an attacker's signature with ${title}`,
        async () => {
          const { claims, transactionId } = await liveToken();
          const fields = "jwk" in header ? { ...header, jwk: attacker.publicJwk } : header;
          return {
            token: await signed(attacker.privateKey, { ...fields, typ: "cpr+jwt" }, claims),
            transactionId,
          };
        },
      ] as const,
  ),
  ...(
    [
      ["without exp", (claims: JWTPayload) => ({ ...claims, exp: undefined })],
      [
        "with exp one second ago",
        (claims: JWTPayload) => ({ ...claims, exp: Math.floor(Date.now() / 1000) - 1 }),
      ],
      [
        "with nbf an hour ahead",
        (claims: JWTPayload) => ({ ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 }),
      ],
      ["with another issuer", (claims: JWTPayload) => ({ ...claims, iss: "https://attacker.example" })],
      ["whose aud is not its appId", (claims: JWTPayload) => ({ ...claims, aud: otherApp.appId })],
      ["with a string rev", (claims: JWTPayload) => ({ ...claims, rev: "0" })],
    ] as const
  ).map(
    ([title, change]) =>
      [
        `our own signature over claims ${title}`,
        async () => {
          const { claims, transactionId } = await liveToken();
          return {
            token: await signed(ourKeys.es, { kid: "test-es256", typ: "cpr+jwt" }, change(claims)),
            transactionId,
          };
        },
      ] as const,
  ),
  [
    "our own signature with typ JWT",
    async () => {
      const { claims, transactionId } = await liveToken();
      return { token: await signed(ourKeys.es, { kid: "test-es256", typ: "JWT" }, claims), transactionId };
    },
  ],
];

/** Every forgery plus a real token of another family (test/oauth/upi-tokens.test.ts hides it from apps). */
const FORGERIES: ReadonlyArray<readonly [string, () => Promise<Forged>]> = [
  ...CPR_FORGERIES,
  [
    "a UPI session JWT",
    async () => {
      const response = await processCall(await signedBody(merchant, { customerId: uid("c") }));
      const { payload } = await json(response);
      return { token: payload.sessionToken as string, transactionId: uid("txn") };
    },
  ],
];

function publicOf(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest } = jwk;
  return rest;
}

const UNAUTHORIZED = envelopes.cpr(401, "IP not whitelisted or authorization failed", "unauthorized_access");

describe("forged JWTs as Bearer on /v2/generate-unique-id", () => {
  itRefuses(
    FORGERIES.map(([title, forge]) => [
      title,
      async (): Promise<RefusalCase> => {
        const forged = await forge();
        const body = {
          transactionId: uid("txn"),
          workflowId: app.workflowId,
          email: `${uid("u")}@example.com`,
        };
        return {
          send: () =>
            postJson("/v2/generate-unique-id", body, {
              headers: { Authorization: `Bearer ${forged.token}` },
            }),
          status: 401,
          body: UNAUTHORIZED,
          headers: { Deprecation: "@1767225600" },
          watch: [
            transactionStub(env, app.appId, app.incarnation, body.transactionId),
            transactionStub(env, app.appId, app.incarnation, forged.transactionId),
          ],
        };
      },
    ]),
  );
});

describe("forged JWTs on /oauth/introspect and /oauth/revoke", () => {
  const introspect = (token: string, headers: Record<string, string>) =>
    call("/oauth/introspect", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    });

  it.each(CPR_FORGERIES)(
    "%s: inactive to the admin and to the app, revoking nothing",
    async (_title, forge) => {
      const forged = await forge();
      const watch = [transactionStub(env, app.appId, app.incarnation, forged.transactionId)];
      for (const headers of [adminAuth(), basicAuth(app.appId, app.appKey)]) {
        await expectRefusal({
          send: () => introspect(forged.token, headers),
          status: 200,
          body: { active: false },
          watch,
        });
      }
      const revoked = await call("/oauth/revoke", {
        method: "POST",
        headers: { ...adminAuth(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: forged.token }).toString(),
      });
      expect(revoked.status).toBe(200);
      expect(
        await transactionStub(env, app.appId, app.incarnation, forged.transactionId).revocationEpoch(),
      ).toBeOneOf([0, undefined]);
    },
  );

  it("never fetches a jku or x5u URL", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const { claims } = await liveToken();
    for (const header of [
      { jku: "https://attacker.example/jwks.json" },
      { x5u: "https://attacker.example/c.pem" },
    ]) {
      const token = await signed(attacker.privateKey, { ...header, kid: "attacker", typ: "cpr+jwt" }, claims);
      expect(await json(await introspect(token, adminAuth()))).toEqual({ active: false });
    }
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it("shows a live CPR token to its app but not to a merchant (a CPR token presented as a UPI one)", async () => {
    const { jwt } = await liveToken();
    expect(await json(await introspect(jwt, basicAuth(app.appId, app.appKey)))).toMatchObject({
      active: true,
    });
    await expectRefusal({
      send: () => introspect(jwt, basicAuth(merchant.merchantId, merchant.apiKey)),
      status: 200,
      body: { active: false },
    });
  });
});

describe("expiry boundaries with an injected clock (jose currentDate through `now`)", () => {
  it("a CPR token is valid until the millisecond before exp, and expired from exp on", async () => {
    const { jwt } = await liveToken();
    const expMs = decodeJwt(jwt).exp! * 1000;
    expect((await verifyCprToken(env, jwt, expMs - 1)).ok).toBe(true);
    expect(await verifyCprToken(env, jwt, expMs)).toEqual({ ok: false, reason: "expired" });
  });

  it("a UPI session token is valid until the millisecond before exp, and not from exp on", async () => {
    const { payload } = await json(await processCall(await signedBody(merchant, { customerId: uid("c") })));
    const expMs = decodeJwt(payload.sessionToken).exp! * 1000;
    expect(await verifySessionToken(env, payload.sessionToken, expMs - 1)).toMatchObject({
      merchantId: merchant.merchantId,
    });
    expect(await verifySessionToken(env, payload.sessionToken, expMs)).toBeUndefined();
  });

  it("a CPR token whose nbf is ahead is refused before nbf and accepted from nbf on", async () => {
    const { claims } = await liveToken();
    const nbf = claims.iat! + 60;
    const token = await signed(ourKeys.es, { kid: "test-es256", typ: "cpr+jwt" }, { ...claims, nbf });
    expect(await verifyCprToken(env, token, nbf * 1000 - 1)).toEqual({ ok: false, reason: "wrong_claims" });
    expect((await verifyCprToken(env, token, nbf * 1000)).ok).toBe(true);
  });
});
