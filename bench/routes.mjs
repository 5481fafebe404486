// The routes under load (docs/architecture.md#performance, issue 8). Each `prepare` makes what its requests
// need right before its run (live tokens, one-time signed payloads) and returns the request, an optional
// per-request body maker, and a check of one answer that proves the request takes the path it is meant to.
import { randomUUID, sign } from "node:crypto";
import { promisify } from "node:util";
import { expectCall } from "./http.mjs";
import { customerApiHeaders } from "./tenants.mjs";

const signAsync = promisify(sign);
const UPI_SERVICE = "in.juspay.hyperapi";
const JSON_HEADERS = { "Content-Type": "application/json" };

/** A supply of one-time values; asking past its end reuses the last one and marks it exhausted. */
function oneTimeSupply(values) {
  let taken = 0;
  return {
    next() {
      taken += 1;
      return values[Math.min(taken, values.length) - 1];
    },
    exhausted: () => taken > values.length,
  };
}

/**
 * One-time requests whose body and headers belong together (a signature covers the body). The load
 * generator asks for the body and then the headers of each request, the probe the other way round:
 * whichever half is asked for first takes the next request, the other half returns its partner.
 */
function pairedSupply(requests) {
  const supply = oneTimeSupply(requests);
  let current;
  let bodyTaken = true;
  let headersTaken = true;
  const advance = () => {
    current = supply.next();
    bodyTaken = false;
    headersTaken = false;
  };
  return {
    nextBody() {
      if (bodyTaken) advance();
      bodyTaken = true;
      return current.body;
    },
    nextHeaders() {
      if (headersTaken) advance();
      headersTaken = true;
      return current.headers;
    },
    exhausted: supply.exhausted,
  };
}

/**
 * `count` token requests of the signing app, each for a new transaction and signed with ES256 over
 * `<timestamp>.<body>` (docs/cpr.md#single-use; raw r‖s, as WebCrypto signs), so every signature is used
 * once. Signing runs on libuv's pool, before the run: the load generator only sends.
 */
async function signedCprRequests(signed, count) {
  const run = randomUUID().slice(0, 8);
  const timestamp = String(Date.now());
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const body = cprTokenBody(signed, { transactionId: `bench-signed-${run}-${index}` });
      const signature = await signAsync("sha256", Buffer.from(`${timestamp}.${body}`), {
        key: signed.privateKey,
        dsaEncoding: "ieee-p1363",
      });
      return {
        body,
        headers: {
          "X-Key-Id": signed.keyId,
          "X-Timestamp": timestamp,
          "X-Signature": signature.toString("base64"),
        },
      };
    }),
  );
}

function cprTokenBody(cpr, fields) {
  return JSON.stringify({ appId: cpr.appId, appKey: cpr.appKey, workflowId: cpr.workflowId, ...fields });
}

/** A CPR token of a fresh transaction (for introspection), without the `Bearer ` prefix. */
async function issueCprToken(ctx) {
  const body = await expectCall(ctx.base, "POST", "/v2/auth/token", 200, {
    headers: JSON_HEADERS,
    body: cprTokenBody(ctx.cpr, { transactionId: `bench-introspect-${randomUUID()}`, expiry: 86400 }),
  });
  return body.result.authToken.replace(/^Bearer /, "");
}

function portalLoginHeaders(user) {
  return { "X-User-Email": user.email, "X-User-Password": user.password };
}

/** Logs a user in without refresh: the live token (a new one only when none is live). */
async function livePortalToken(ctx, user) {
  const body = await expectCall(ctx.base, "GET", "/api_auth", 200, { headers: portalLoginHeaders(user) });
  return body.token;
}

/** Logins rotating over the bench users (each email's password hashing is rate-limited). */
function rotatingLogins(users, path) {
  let sent = 0;
  return {
    request: { method: "GET", path, headers: portalLoginHeaders(users[0]) },
    nextHeaders: () => portalLoginHeaders(users[sent++ % users.length]),
  };
}

/**
 * `count` signed payloads spread over the customers, each with its own timestamp so that no two are
 * the same payload (a signed payload is redeemable once, docs/upi.md#replay). Signing runs on libuv's pool.
 */
async function signedProcessBodies(upi, count) {
  const newest = Date.now();
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const customer = upi.customers[index % upi.customers.length];
      const signaturePayload = JSON.stringify({
        merchant_id: upi.merchantId,
        customer_id: customer.customerId,
        customer_mobile_number: customer.mobileNumber,
        timestamp: String(newest - index),
      });
      const signature = await signAsync("sha256", Buffer.from(signaturePayload), upi.privateKey);
      return JSON.stringify({
        requestId: randomUUID(),
        service: UPI_SERVICE,
        payload: {
          action: "upiGetSessionToken",
          merchantKeyId: upi.merchantKeyId,
          signature: signature.toString("base64"),
          signaturePayload,
        },
      });
    }),
  );
}

/** Client auth tokens from the Customer API, enough for `uses` process calls, round-robin over customers. */
async function clientAuthTokens(ctx, uses) {
  const { upi } = ctx;
  const count = Math.ceil(uses / upi.clientAuthTokenMaxUses) + upi.customers.length;
  const tokens = [];
  for (let index = 0; index < count; index++) {
    const { customerId } = upi.customers[index % upi.customers.length];
    const body = await expectCall(
      ctx.base,
      "GET",
      `/customers/${customerId}?options.get_client_auth_token=true`,
      200,
      { headers: customerApiHeaders(upi.merchantId, upi.apiKey) },
    );
    tokens.push({ customerId, token: body.juspay.client_auth_token });
  }
  return tokens;
}

const processAnswerIsLinked = (body) =>
  body.error === false && body.payload?.status === "LINKED" ? undefined : "not a LINKED session answer";

/**
 * A measured route: `prepare` gets the bench context (run.mjs) and how many requests the run will send.
 * @typedef {{ name: string, newObjectPerRequest?: boolean, prepare: (ctx: any, run: { requests: number }) => Promise<Prepared> }} Route
 * `newObjectPerRequest`: each request creates a Durable Object, so the run is kept short (bench/run.mjs).
 * @typedef {import("./load.mjs").Prepared} Prepared
 */

/** @type {{ name: string, prepare: (ctx: any) => Promise<Prepared> }} */
export const FLOOR = {
  name: "floor",
  prepare: async () => ({
    request: { method: "GET", path: "/healthz" },
    check: (body) => (body.status === "ok" ? undefined : "not the health answer"),
  }),
};

/** The measured routes, in run order (the portal session check follows the refreshes it depends on). */
/** @type {Route[]} */
export const ROUTES = [
  {
    name: "jwks",
    prepare: async () => ({
      request: { method: "GET", path: "/.well-known/jwks.json" },
      check: (body) => (body.keys?.length > 0 ? undefined : "no keys"),
    }),
  },
  {
    name: "cpr-token",
    newObjectPerRequest: true,
    prepare: async (ctx) => {
      let sequence = 0;
      const run = randomUUID().slice(0, 8);
      return {
        request: { method: "POST", path: "/v2/auth/token", headers: JSON_HEADERS },
        nextBody: () => cprTokenBody(ctx.cpr, { transactionId: `bench-${run}-${sequence++}` }),
        check: (body) => (body.status === "success" ? undefined : "no token"),
      };
    },
  },
  {
    name: "cpr-token-signed",
    newObjectPerRequest: true,
    prepare: async (ctx, { requests }) => {
      const supply = pairedSupply(await signedCprRequests(ctx.signedCpr, requests));
      return {
        request: { method: "POST", path: "/v2/auth/token", headers: JSON_HEADERS },
        nextBody: supply.nextBody,
        nextHeaders: supply.nextHeaders,
        exhausted: supply.exhausted,
        check: (body) => (body.status === "success" ? undefined : "no token"),
      };
    },
  },
  {
    name: "cpr-token-uniqueid",
    prepare: async (ctx) => {
      const body = cprTokenBody(ctx.cpr, {
        transactionId: `bench-uniqueid-${randomUUID()}`,
        email: "bench.customer@example.com",
      });
      // The transaction exists, with its uniqueId, before the run: every request re-issues.
      await expectCall(ctx.base, "POST", "/v2/auth/token", 200, { headers: JSON_HEADERS, body });
      return {
        request: { method: "POST", path: "/v2/auth/token", headers: JSON_HEADERS, body },
        check: (answer) => (answer.status === "success" ? undefined : "no token"),
      };
    },
  },
  {
    name: "portal-reuse",
    prepare: async (ctx) => {
      const { users } = ctx.portal;
      // Every user holds a live token before the run; the probe (the first user) must get it back.
      const live = [];
      for (const user of users) live.push(await livePortalToken(ctx, user));
      return {
        ...rotatingLogins(users, "/api_auth"),
        check: (body) => (body.token === live[0] ? undefined : "a new token instead of the live one"),
      };
    },
  },
  {
    name: "portal-refresh",
    prepare: async (ctx) => ({
      ...rotatingLogins(ctx.portal.users, "/api_auth?refresh_token=1"),
      check: (body) => (body.status === 200 && body.token ? undefined : "no token"),
    }),
  },
  {
    name: "portal-session",
    prepare: async (ctx) => {
      const [user] = ctx.portal.users;
      const token = await livePortalToken(ctx, user);
      return {
        request: { method: "GET", path: "/api_auth/session", headers: { "X-Optimus-API-Key": token } },
        check: (body) => (body.email === user.email ? undefined : "not the user's session"),
      };
    },
  },
  {
    name: "upi-signature",
    prepare: async (ctx, { requests }) => {
      const supply = oneTimeSupply(await signedProcessBodies(ctx.upi, requests));
      return {
        request: { method: "POST", path: "/hyperapi/process", headers: JSON_HEADERS },
        nextBody: supply.next,
        exhausted: supply.exhausted,
        check: processAnswerIsLinked,
      };
    },
  },
  {
    name: "upi-client-auth-token",
    prepare: async (ctx, { requests }) => {
      const { upi } = ctx;
      const tokens = await clientAuthTokens(ctx, requests);
      let sent = 0;
      const capacity = tokens.length * upi.clientAuthTokenMaxUses;
      return {
        request: { method: "POST", path: "/hyperapi/process", headers: JSON_HEADERS },
        // Round-robin spreads the uses evenly, so no token passes its limit before all of them do.
        nextBody: () => {
          const { customerId, token } = tokens[sent++ % tokens.length];
          return JSON.stringify({
            requestId: randomUUID(),
            service: UPI_SERVICE,
            payload: {
              action: "upiGetSessionToken",
              merchantId: upi.merchantId,
              customerId,
              clientAuthToken: token,
            },
          });
        },
        exhausted: () => sent > capacity,
        check: processAnswerIsLinked,
      };
    },
  },
  {
    name: "introspect",
    prepare: async (ctx) => {
      const token = await issueCprToken(ctx);
      return {
        request: {
          method: "POST",
          path: "/oauth/introspect",
          headers: {
            Authorization: `Bearer ${ctx.adminToken}`,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ token }).toString(),
        },
        check: (body) => (body.active === true ? undefined : "token reported inactive"),
      };
    },
  },
];
