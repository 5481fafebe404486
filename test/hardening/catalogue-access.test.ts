import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { transactionStub } from "../../src/cpr/transaction";
import { portalUserObject } from "../../src/portal/sessions";
import { tokenBody } from "../cpr/helpers";
import { type PortalUser, provisionUser } from "../portal/support";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, call, postJson, TEST_IP, uid } from "../support/worker";
import {
  customerStub,
  type ProvisionedMerchant,
  provisionMerchant,
  signedBody,
  storedKeys,
} from "../upi/support";
import { basicAuth, envelopes } from "./fixtures";
import { expectIdenticalBodies, itRefuses, type RefusalCase } from "./negative";

/**
 * Who is calling: the client IP is `CF-Connecting-IP` in canonical form and nothing else
 * (docs/http.md#client-ip), and every credential failure of a family is one byte-identical answer
 * (docs/http.md#credentials, docs/cpr.md#credentials-and-ip, docs/portal.md). test/shared/client-ip.test.ts
 * and test/shared/ip-allowlist.test.ts prove the parser;
 * these rows prove every family's allowlist goes through it.
 */

const LOOPBACK = "127.0.0.1";
const OUTSIDER = "198.51.100.9";

let app: ProvisionedApp;
let user: PortalUser;
let merchant: ProvisionedMerchant;
beforeAll(async () => {
  const allowlist = [TEST_IP, LOOPBACK];
  [app, user, merchant] = await Promise.all([
    provisionApp({ ipAllowlist: allowlist }),
    provisionUser({ ipAllowlist: allowlist }),
    provisionMerchant({ ipAllowlist: allowlist }),
  ]);
});

/** The client-IP headers a request carries, exactly (no default CF-Connecting-IP). */
type IpHeaders = Record<string, string>;

const SPOOFS: ReadonlyArray<readonly [string, IpHeaders]> = [
  ["X-Forwarded-For naming an allowed IP, no CF-Connecting-IP", { "X-Forwarded-For": TEST_IP }],
  [
    "X-Forwarded-For naming an allowed IP, CF-Connecting-IP outside",
    { "X-Forwarded-For": TEST_IP, "CF-Connecting-IP": OUTSIDER },
  ],
  ["X-Real-IP naming an allowed IP", { "X-Real-IP": TEST_IP, "CF-Connecting-IP": OUTSIDER }],
  ["True-Client-IP naming an allowed IP", { "True-Client-IP": TEST_IP }],
  ["Forwarded: for=<allowed IP>", { Forwarded: `for=${TEST_IP}`, "CF-Connecting-IP": OUTSIDER }],
  ['Forwarded: for="[::ffff:<allowed IP>]"', { Forwarded: `for="[::ffff:${TEST_IP}]"` }],
  ["a CF-Connecting-IP list ending in an allowed IP", { "CF-Connecting-IP": `${OUTSIDER}, ${TEST_IP}` }],
  ["a CF-Connecting-IP list starting with an allowed IP", { "CF-Connecting-IP": `${TEST_IP}, ${OUTSIDER}` }],
];

const NON_CANONICAL: ReadonlyArray<string> = [
  "127.000.000.001",
  "0177.0.0.1",
  "0x7f.0.0.1",
  "2130706433",
  "127.1",
  "127.0.0.1.",
  "127.0.0.1:443",
  "[::ffff:127.0.0.1]",
  "::ffff:7f00:1%lo",
  "::ffff:127.0.0.1%eth0",
  "203.0.113.010",
];

const ipCases: ReadonlyArray<readonly [string, IpHeaders]> = [
  ...SPOOFS,
  ...NON_CANONICAL.map(
    (ip) => [`the non-canonical CF-Connecting-IP ${ip}`, { "CF-Connecting-IP": ip }] as const,
  ),
];

/** Sends with exactly these client-IP headers (no default CF-Connecting-IP). */
function withIp(headers: IpHeaders) {
  return { ip: null, headers };
}

describe("IP allowlists read CF-Connecting-IP in canonical form only", () => {
  describe("CPR /v2/auth/token", () => {
    itRefuses(
      ipCases.map(([title, headers]) => [
        title,
        (): RefusalCase => {
          const body = tokenBody(app, { email: `${uid("u")}@example.com` });
          return {
            send: () => postJson("/v2/auth/token", body, withIp(headers)),
            status: 401,
            body: envelopes.cpr(401, "IP not whitelisted or authorization failed", "unauthorized_access"),
            secrets: [app.appKey],
            watch: [transactionStub(env, app.appId, app.incarnation, body.transactionId as string)],
          };
        },
      ]),
    );
  });

  describe("portal /api_auth (the right password)", () => {
    itRefuses(
      ipCases.map(([title, headers]) => [
        title,
        (): RefusalCase => ({
          send: () =>
            call("/api_auth", {
              method: "POST",
              ...withIp({ ...headers, "X-User-Email": user.email, "X-User-Password": user.password }),
            }),
          status: 403,
          body: envelopes.portal("Request not allowed from this IP"),
          secrets: [user.password],
          watch: [portalUserObject(env, user.email)],
          // The attempt counts against the email's rate limit (docs/operations.md#rate-limits).
          mayWrite: ["RATE_LIMITER"],
        }),
      ]),
    );
  });

  describe("UPI /hyperapi/process (a valid signature)", () => {
    itRefuses(
      ipCases.map(([title, headers]) => [
        title,
        async (): Promise<RefusalCase> => {
          const customerId = uid("c");
          const body = await signedBody(merchant, { customerId });
          return {
            send: () => postJson("/hyperapi/process", body, withIp(headers)),
            status: 403,
            body: envelopes.upi(
              "BAD_ORIGIN",
              "Request not allowed from this IP",
              body.requestId,
              "upiGetSessionToken",
            ),
            watch: [customerStub(merchant, customerId)],
          };
        },
      ]),
    );
  });

  describe("UPI GET /customers/{id} (the right API key)", () => {
    itRefuses(
      ipCases.map(([title, headers]) => [
        title,
        (): RefusalCase => ({
          send: () =>
            call(`/customers/${uid("c")}?options.get_client_auth_token=true`, {
              ...withIp({
                ...headers,
                "x-merchantid": merchant.merchantId,
                ...basicAuth(merchant.apiKey, ""),
              }),
            }),
          status: 403,
          body: envelopes.customers(
            "BAD_ORIGIN",
            "access_denied",
            "Request not allowed from this IP",
            "error",
          ),
          secrets: [merchant.apiKey],
        }),
      ]),
    );
  });

  it.each([
    ["the canonical address", LOOPBACK],
    ["the IPv4-mapped IPv6 form without zone", "::ffff:7f00:1"],
  ])("admits %s on every family (the accept twin)", async (_what, ip) => {
    expect((await postJson("/v2/auth/token", tokenBody(app), { ip })).status).toBe(200);
    const portal = await call("/api_auth", {
      method: "POST",
      ip,
      headers: { "X-User-Email": user.email, "X-User-Password": user.password },
    });
    expect(portal.status).toBe(200);
    expect(
      (await postJson("/hyperapi/process", await signedBody(merchant, { customerId: uid("c") }), { ip }))
        .status,
    ).toBe(200);
  });
});

describe("credential enumeration: one byte-identical answer for every 401 cause", () => {
  it("CPR: every cause on all three routes", async () => {
    const other = await provisionApp();
    const signed = await provisionApp();
    const keyPair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    const spki = btoa(
      String.fromCharCode(
        ...new Uint8Array((await crypto.subtle.exportKey("spki", keyPair.publicKey)) as ArrayBuffer),
      ),
    );
    expect(
      (
        await admin("PUT", `/apps/${signed.appId}/request-keys/k1`, {
          publicKey: `-----BEGIN PUBLIC KEY-----\n${spki}\n-----END PUBLIC KEY-----\n`,
        })
      ).status,
    ).toBe(201);
    const uniqueIdBody = { transactionId: uid("txn"), workflowId: app.workflowId, email: "a@example.com" };
    const body = await expectIdenticalBodies([
      () => postJson("/v2/auth/token", tokenBody(app, { appId: uid("ghost") })),
      () => postJson("/v2/auth/token", tokenBody(app, { appKey: other.appKey })),
      () => postJson("/v2/auth/token", tokenBody(app), { ip: OUTSIDER }),
      () => postJson("/v2/auth/token", tokenBody(app), { ip: null }),
      () => postJson("/v2/auth/token", tokenBody(signed)),
      () =>
        postJson("/v2/auth/token", tokenBody(signed), {
          headers: { "X-Key-Id": "k1", "X-Timestamp": String(Date.now()), "X-Signature": "AAAA" },
        }),
      () => postJson("/v2/generate-auth-token", tokenBody(app, { appKey: `${app.appKey}x` })),
      () => postJson("/v2/generate-unique-id", uniqueIdBody),
      () => postJson("/v2/generate-unique-id", uniqueIdBody, { headers: { appid: app.appId, appkey: "x" } }),
      () => postJson("/v2/generate-unique-id", uniqueIdBody, { headers: { Authorization: "Bearer a.b.c" } }),
    ]);
    expect(JSON.parse(body)).toEqual(
      envelopes.cpr(401, "IP not whitelisted or authorization failed", "unauthorized_access"),
    );
  });

  it("portal: unknown email, wrong password, disabled user, stale credentials, missing or malformed headers", async () => {
    const disabled = await provisionUser();
    expect((await admin("PATCH", `/users/${disabled.email}`, { disabled: true })).status).toBe(200);
    const login = (headers: Record<string, string>) => () => call("/api_auth", { method: "POST", headers });
    const body = await expectIdenticalBodies([
      login({ "X-User-Email": `${uid("ghost")}@example.com`, "X-User-Password": user.password }),
      login({ "X-User-Email": user.email, "X-User-Password": `${user.password}x` }),
      login({ "X-User-Email": disabled.email, "X-User-Password": disabled.password }),
      login({ "X-User-Email": user.email }),
      login({ "X-User-Password": user.password }),
      login({}),
      login({ "X-User-Email": "not-an-email", "X-User-Password": user.password }),
      login({ "X-User-Email": user.email, "X-User-Password": "x".repeat(129) }),
    ]);
    expect(JSON.parse(body)).toEqual(envelopes.portal("Invalid email or password"));
  });

  it("UPI process, signature mode: unknown merchant, unknown key, another merchant's key, bad signature", async () => {
    const other = await provisionMerchant();
    const requestId = crypto.randomUUID();
    const customerId = uid("c");
    const stamp = Date.now();
    const variants = [
      await signedBody(merchant, {
        requestId,
        customerId,
        timestamp: stamp,
        signaturePayload: JSON.stringify({
          merchant_id: uid("ghost"),
          customer_id: customerId,
          timestamp: String(stamp),
        }),
      }),
      await signedBody(merchant, {
        requestId,
        customerId,
        timestamp: stamp,
        key: { ...merchant.key, merchantKeyId: uid("k") },
      }),
      await signedBody(merchant, { requestId, customerId, timestamp: stamp, key: other.key }),
      await signedBody(merchant, {
        requestId,
        customerId,
        timestamp: stamp,
        key: { ...merchant.key, privateKey: other.key.privateKey },
      }),
    ];
    const body = await expectIdenticalBodies(
      variants.map((variant) => () => postJson("/hyperapi/process", variant)),
    );
    expect(JSON.parse(body)).toEqual(
      envelopes.upi("UNAUTHORIZED", "Signature verification failed", requestId, "upiGetSessionToken"),
    );
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("UPI process, client auth token mode: unknown merchant, malformed or unknown token", async () => {
    const requestId = crypto.randomUUID();
    const customerId = uid("c");
    const process = (merchantId: string, clientAuthToken: string) => () =>
      postJson("/hyperapi/process", {
        requestId,
        service: "in.juspay.hyperapi",
        payload: { action: "upiGetSessionToken", merchantId, customerId, clientAuthToken },
      });
    const body = await expectIdenticalBodies([
      process(uid("ghost"), `tkn_${"a".repeat(32)}`),
      process(merchant.merchantId, `tkn_${"a".repeat(32)}`),
      process(merchant.merchantId, "not-a-token"),
      process(merchant.merchantId, `tkn_${"a".repeat(31)}!`),
    ]);
    expect(JSON.parse(body)).toEqual(
      envelopes.upi(
        "UNAUTHORIZED",
        "clientAuthToken is not valid for this merchant and customer",
        requestId,
        "upiGetSessionToken",
      ),
    );
  });

  it("UPI Customer API: unknown merchant, wrong or missing API key, malformed Basic", async () => {
    const get = (headers: Record<string, string>) => () => call(`/customers/${uid("c")}`, { headers });
    const body = await expectIdenticalBodies([
      get({ "x-merchantid": uid("ghost"), ...basicAuth(merchant.apiKey, "") }),
      get({ "x-merchantid": merchant.merchantId, ...basicAuth(`${merchant.apiKey}x`, "") }),
      get({ "x-merchantid": merchant.merchantId }),
      get({ "x-merchantid": merchant.merchantId, Authorization: "Basic %%%" }),
      get({ ...basicAuth(merchant.apiKey, "") }),
    ]);
    expect(JSON.parse(body)).toEqual({
      status: "error",
      error_code: "access_denied",
      error_message: "Invalid API key or merchant id",
      error_info: {
        code: "UNAUTHENTICATED",
        category: "USER_ERROR",
        user_message: "Invalid API key or merchant id",
        developer_message: "Invalid API key or merchant id",
      },
    });
  });

  it("OAuth: wrong admin token, wrong Basic secret, unknown tenant, dead portal token", async () => {
    const introspect = (headers: Record<string, string>) => () =>
      call("/oauth/introspect", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        body: "token=x",
      });
    const body = await expectIdenticalBodies([
      introspect({ Authorization: `Bearer ${env.ADMIN_TOKEN}x` }),
      introspect(basicAuth(app.appId, `${app.appKey}x`)),
      introspect(basicAuth(merchant.merchantId, `${merchant.apiKey}x`)),
      introspect(basicAuth(uid("ghost"), "secret")),
      introspect({ "X-Optimus-API-Key": "00000000_0000_0000_0000_000000000000" }),
    ]);
    expect(JSON.parse(body)).toEqual(envelopes.oauth("invalid_client", "Client authentication failed"));
  });

  it("admin: missing, wrong, lowercase-scheme and Basic-wrapped admin tokens", async () => {
    const apps = (headers: Record<string, string>) => () => call(`/admin/v1/apps/${app.appId}`, { headers });
    const body = await expectIdenticalBodies([
      apps({}),
      apps({ Authorization: `Bearer ${env.ADMIN_TOKEN}x` }),
      apps({ Authorization: `Bearer ${env.ADMIN_TOKEN.slice(0, -1)}` }),
      apps(basicAuth("admin", env.ADMIN_TOKEN)),
      apps({ Authorization: env.ADMIN_TOKEN }),
    ]);
    expect(JSON.parse(body)).toEqual(
      envelopes.admin("unauthorized", "A valid admin bearer token is required"),
    );
  });
});
