import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { STATIC_ASSET_PATHS } from "../../src/openapi/paths";
import { grantedToken, LEGACY_AUTH_TOKEN, tokenBody, UNIQUE_ID } from "../cpr/helpers";
import { oauthForm } from "../oauth/support";
import { checkSession, login, provisionOrg, provisionUser, tokenOf } from "../portal/support";
import { privateJwk } from "../shared/test-keys";
import { ecPublicKeyPem } from "../support/keys";
import { servedDocument } from "../support/openapi";
import { provisionApp } from "../support/tenants";
import { admin, call, json, postJson, uid } from "../support/worker";
import {
  bindDevice,
  customerApiCall,
  DEMO_ACCOUNT,
  processCall,
  provisionMerchant,
  rsaKeyPair,
  signedBody,
} from "../upi/support";

/**
 * Every documented success body is the body the route really sends (issue 17): for each operation of
 * the served `/openapi.json` (`servedDocument()`) with a 2xx `application/json` response, a real successful request
 * through the Worker's `fetch` (fresh tenants per case) answers that status, and its body validates
 * against the DOCUMENTED JSON Schema (2020-12, as OpenAPI 3.1 has it) read from the served document —
 * not against the zod schema it was built from — with Ajv; the documented response headers are sent.
 * A documented 2xx JSON operation without a case in `CASES` fails the coverage test, so a new route
 * cannot escape; each case also shows its schema is not vacuous (the real body without a required
 * member is refused), and a member the body carries that an open schema allows but does not name
 * fails unless `UNDOCUMENTED_ALLOWED` lists it.
 */

// biome-ignore lint/suspicious/noExplicitAny: the served document is read loosely, as JSON
type Json = any;

interface Case {
  /** What the case exercises, when an operation has several. */
  name: string;
  /** Makes its own tenants and sends the one request whose answer is checked. */
  send: () => Promise<Response>;
}

const JSON_TYPE = "application/json";
const COMPONENTS_BASE = "https://authedge.test/openapi.json/components/schemas/";
/** An org token lifetime the admin API accepts (2 hours to 30 days). */
const TOKEN_TTL = 7200;

/** `METHOD /path STATUS`: how cases are keyed to the document's operations. */
function operationKey(method: string, path: string, status: string): string {
  return `${method.toUpperCase()} ${path} ${status}`;
}

/** The document's operations with a 2xx `application/json` response: what `CASES` must cover. */
function documentedSuccesses(document: Json): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(item)) {
      for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
        if (!/^2\d\d$/.test(status) || !response.content?.[JSON_TYPE]?.schema) continue;
        found.set(operationKey(method, path, status), response);
      }
    }
  }
  return found;
}

/** Documented operations without a case, and cases for no documented operation. */
function coverageGaps(documented: Iterable<string>, table: Iterable<string>) {
  const tableKeys = new Set(table);
  const documentedKeys = new Set(documented);
  return {
    withoutCase: [...documentedKeys].filter((key) => !tableKeys.has(key)).sort(),
    undocumented: [...tableKeys].filter((key) => !documentedKeys.has(key)).sort(),
  };
}

/** `#/components/schemas/X` as the absolute id the component is registered under. */
function absoluteRefs(value: Json): Json {
  if (Array.isArray(value)) return value.map(absoluteRefs);
  if (value === null || typeof value !== "object") return value;
  const out: Json = {};
  for (const [key, member] of Object.entries<Json>(value)) {
    if (key === "$ref" && typeof member === "string") {
      const match = /^#\/components\/schemas\/([^/]+)$/.exec(member);
      if (!match) throw new Error(`unresolvable $ref ${member}`);
      out[key] = `${COMPONENTS_BASE}${match[1]}`;
    } else {
      out[key] = absoluteRefs(member);
    }
  }
  return out;
}

/** The schema a `$ref` names (one level), to read its `required`. */
function resolved(document: Json, schema: Json): Json {
  const match = typeof schema?.$ref === "string" && /^#\/components\/schemas\/([^/]+)$/.exec(schema.$ref);
  return match ? document.components.schemas[match[1]] : schema;
}

/** Ajv 2020-12 with formats, strict, every component registered so `$ref`s resolve. */
function validatorFor(document: Json) {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries<Json>(document.components?.schemas ?? {})) {
    ajv.addSchema(absoluteRefs(schema), `${COMPONENTS_BASE}${name}`);
  }
  const compiled = new Map<string, ValidateFunction>();
  return (schema: Json): ValidateFunction => {
    const text = JSON.stringify(schema);
    let validate = compiled.get(text);
    if (!validate) {
      validate = ajv.compile(absoluteRefs(schema));
      compiled.set(text, validate);
    }
    return validate;
  };
}

function errorsOf(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (error) => `${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/**
 * Members of a real body that no `properties` of its schema names, where that schema leaves the object
 * open (`additionalProperties` absent or `{}`): allowed by the schema, but not documented. Array
 * items and map entries read `*`; a schema that documents no `properties` at all is not looked into.
 */
function undocumentedMembers(document: Json, schema: Json, value: Json, at = ""): string[] {
  const documented = resolved(document, schema);
  if (!documented || typeof documented !== "object" || value === null || typeof value !== "object") return [];
  const found = new Set<string>();
  const add = (members: string[]) => {
    for (const member of members) found.add(member);
  };
  for (const alternative of [...(documented.anyOf ?? []), ...(documented.oneOf ?? [])]) {
    add(undocumentedMembers(document, alternative, value, at));
  }
  if (Array.isArray(value)) {
    for (const item of value) add(undocumentedMembers(document, documented.items, item, `${at}/*`));
    return [...found].sort();
  }
  const extra = documented.additionalProperties;
  const open =
    extra === undefined || extra === true || (typeof extra === "object" && Object.keys(extra).length === 0);
  for (const [name, member] of Object.entries<Json>(value)) {
    const named = documented.properties?.[name];
    if (named) add(undocumentedMembers(document, named, member, `${at}/${name}`));
    else if (!open) add(undocumentedMembers(document, extra, member, `${at}/*`));
    else if (documented.properties) found.add(`${at}/${name}`);
  }
  return [...found].sort();
}

/**
 * Where a documented schema leaves an object open and the real body uses it: members the schema
 * allows but does not name (documentation debt, issue 17). A member not listed here, or an
 * operation not listed here that sends one, fails: new loosely documented members do not slip in.
 */
const UNDOCUMENTED_ALLOWED: Record<string, string[]> = {
  // JWK members by key type (RFC 7517): open on purpose.
  "GET /.well-known/jwks.json 200": ["/keys/*/crv", "/keys/*/e", "/keys/*/n", "/keys/*/x", "/keys/*/y"],
  // "A live token adds its family's claims": named only in the description.
  "POST /oauth/introspect 200": [
    "/appId",
    "/aud",
    "/customerId",
    "/journeyId",
    "/jti",
    "/merchantId",
    "/organization_id",
    "/transactionId",
    "/uniqueId",
    "/workflowId",
  ],
  // The admin org view: "the seed 001 organization plus ..." — the organization's members are not named.
  ...Object.fromEntries(
    ["POST /admin/v1/orgs 201", "GET /admin/v1/orgs/{id} 200", "PATCH /admin/v1/orgs/{id} 200"].map((key) => [
      key,
      [
        "/ancestry",
        "/created_at",
        "/created_by_id",
        "/description",
        "/header_mappings",
        "/hide_name",
        "/payubiz_id",
        "/product",
        "/updated_at",
        "/updated_by_id",
        "/url",
        "/uuid",
      ],
    ]),
  ),
  // The admin customer view: "profile, device binding and linked accounts" — not named.
  ...Object.fromEntries(
    [
      "GET /admin/v1/merchants/{merchantId}/customers/{customerId} 200",
      "PUT /admin/v1/merchants/{merchantId}/customers/{customerId}/device 200",
      "PUT /admin/v1/merchants/{merchantId}/customers/{customerId}/vpa-accounts 200",
    ].map((key) => [key, ["/device", "/profile", "/sessionEpoch", "/vpaAccounts"]]),
  ),
  // This document itself: only `openapi` is named.
  "GET /openapi.json 200": ["/components", "/info", "/paths", "/servers", "/tags"],
};

// --- the cases: one real success per documented operation -----------------------------------------

const one = (send: () => Promise<Response>): Case[] => [{ name: "success", send }];

const basic = (id: string, secret: string) => ({ basic: [id, secret] as [string, string] });

async function freshCustomer(options: { linked?: boolean } = {}) {
  const merchant = await provisionMerchant({ prefix: "ABC" });
  const customerId = uid("c");
  await bindDevice(
    merchant.merchantId,
    customerId,
    {},
    options.linked
      ? [{ vpa: "jane@demo", accounts: [{ ...DEMO_ACCOUNT, isInitialTopUpDone: "true" }] }]
      : undefined,
  );
  return { merchant, customerId };
}

async function createdCustomer(fields: Record<string, string> = {}) {
  const merchant = await provisionMerchant();
  const reference = uid("ref");
  const response = await customerApiCall(merchant, "/customers", {
    form: { object_reference_id: reference, mobile_number: "9876543210", ...fields },
  });
  expect(response.status).toBe(200);
  return { merchant, reference, id: (await json(response)).id as string };
}

async function sessionToken() {
  const { merchant, customerId } = await freshCustomer();
  const issued = await json(
    await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" })),
  );
  return { merchant, token: issued.payload.sessionToken as string };
}

async function portalToken() {
  const user = await provisionUser({ tokenTtlSeconds: TOKEN_TTL });
  return { user, token: await tokenOf(await login(user)) };
}

async function appWithGrace() {
  const app = await provisionApp();
  const rotated = await admin("POST", `/apps/${app.appId}/rotate-key`, { graceSeconds: 600 });
  expect(rotated.status).toBe(200);
  return app;
}

async function signingKeyImport() {
  const kid = `byok-${crypto.randomUUID().slice(0, 8)}`;
  return admin("POST", "/signing-keys/import", { keys: [await privateJwk("ES256", kid)] });
}

const CASES: Record<string, Case[]> = {
  // CPR
  "POST /v2/auth/token 200": [
    { name: "no identifier", send: async () => postJson("/v2/auth/token", tokenBody(await provisionApp())) },
    {
      name: "uniqueId embedded",
      send: async () =>
        postJson(
          "/v2/auth/token",
          tokenBody(await provisionApp(), {
            email: "a@example.com",
            authenticateOnResume: "no",
            expiry: 600,
          }),
        ),
    },
  ],
  "POST /v2/generate-auth-token 200": one(async () =>
    postJson(
      LEGACY_AUTH_TOKEN,
      tokenBody(await provisionApp(), { userAuthRequired: "no", authObject: { mobileNumber: "9876543210" } }),
    ),
  ),
  "POST /v2/generate-unique-id 200": [
    {
      name: "app key headers",
      send: async () => {
        const app = await provisionApp();
        return postJson(
          UNIQUE_ID,
          { transactionId: uid("txn"), workflowId: app.workflowId, mobileNumber: "9876543210" },
          { headers: { appid: app.appId, appkey: app.appKey } },
        );
      },
    },
    {
      name: "Bearer CPR token of its transaction",
      send: async () => {
        const app = await provisionApp();
        const granted = await grantedToken(app, { email: `${uid("p")}@example.com` });
        return postJson(
          UNIQUE_ID,
          { transactionId: granted.transactionId, workflowId: app.workflowId, email: granted.body.email },
          { headers: { Authorization: granted.answer.result.authToken } },
        );
      },
    },
  ],

  // Portal
  "GET /api_auth 200": one(async () => login(await provisionUser(), { method: "GET" })),
  "POST /api_auth 200": [
    {
      name: "first login",
      send: async () => login(await provisionUser({ description: "d", url: "https://x.test" })),
    },
    {
      name: "refresh_token=1",
      send: async () => {
        const user = await provisionUser();
        await tokenOf(await login(user));
        return login(user, { refresh: "1" });
      },
    },
  ],
  "GET /api_auth/session 200": one(async () => checkSession((await portalToken()).token)),

  // UPI
  "POST /hyperapi/process 200": [
    {
      name: "FRESH, signature mode",
      send: async () => {
        const merchant = await provisionMerchant();
        return processCall(await signedBody(merchant, { customerId: uid("c"), mobile: "919876543210" }));
      },
    },
    {
      name: "LINKED, updateAuth",
      send: async () => {
        const { merchant, customerId } = await freshCustomer({ linked: true });
        return processCall(
          await signedBody(merchant, { customerId, mobile: "919876543210", action: "updateAuth" }),
        );
      },
    },
    {
      name: "client auth token mode",
      send: async () => {
        const { merchant, reference, id } = await createdCustomer();
        const issued = await json(
          await customerApiCall(merchant, `/customers/${id}?options.get_client_auth_token=true`),
        );
        return processCall({
          requestId: crypto.randomUUID(),
          service: "in.juspay.hyperapi",
          payload: {
            action: "upiGetSessionToken",
            merchantId: merchant.merchantId,
            customerId: reference,
            clientAuthToken: issued.juspay.client_auth_token,
          },
        });
      },
    },
  ],
  "POST /customers 200": [
    {
      name: "form, no token",
      send: async () =>
        customerApiCall(await provisionMerchant(), "/customers", {
          form: { object_reference_id: uid("ref"), first_name: "Jane", mobile_country_code: "+44" },
        }),
    },
    {
      name: "JSON with a client auth token",
      send: async () =>
        customerApiCall(await provisionMerchant(), "/customers", {
          json: { object_reference_id: uid("ref"), options: { get_client_auth_token: true } },
        }),
    },
  ],
  "GET /customers/{customerId} 200": [
    {
      name: "plain",
      send: async () => {
        const { merchant, id } = await createdCustomer({ email_address: "jane@example.com" });
        return customerApiCall(merchant, `/customers/${id}`);
      },
    },
    {
      name: "with a client auth token",
      send: async () => {
        const { merchant, id } = await createdCustomer();
        return customerApiCall(merchant, `/customers/${id}?options.get_client_auth_token=true`);
      },
    },
  ],
  "POST /customers/{customerId} 200": one(async () => {
    const { merchant, id } = await createdCustomer();
    return customerApiCall(merchant, `/customers/${id}`, { form: { last_name: "Doe" } });
  }),

  // Token verification
  "GET /.well-known/jwks.json 200": one(async () => call("/.well-known/jwks.json")),
  "GET /.well-known/oauth-authorization-server 200": one(async () =>
    call("/.well-known/oauth-authorization-server"),
  ),
  "GET /.well-known/oauth-authorization-server/cpr 200": one(async () =>
    call("/.well-known/oauth-authorization-server/cpr"),
  ),
  "GET /.well-known/oauth-authorization-server/upi 200": one(async () =>
    call("/.well-known/oauth-authorization-server/upi"),
  ),
  "POST /oauth/introspect 200": [
    {
      name: "a live CPR token, by its app",
      send: async () => {
        const app = await provisionApp();
        const { answer } = await grantedToken(app, {
          mobileNumber: "9876543210",
          authenticateOnResume: "no",
        });
        const token = (answer.result.authToken as string).slice("Bearer ".length);
        return oauthForm("introspect", basic(app.appId, app.appKey), { token });
      },
    },
    {
      name: "a live UPI session token, by its merchant",
      send: async () => {
        const { merchant, token } = await sessionToken();
        return oauthForm("introspect", basic(merchant.merchantId, merchant.apiKey), { token });
      },
    },
    {
      name: "a live portal token, by the admin",
      send: async () => oauthForm("introspect", { admin: true }, { token: (await portalToken()).token }),
    },
    {
      name: "an unknown token: inactive",
      send: async () => oauthForm("introspect", { admin: true }, { token: uid("nothing") }),
    },
  ],

  // Admin: apps
  "POST /admin/v1/apps 201": [
    {
      name: "generated key",
      send: async () =>
        admin("POST", "/apps", { appId: uid("app"), ipAllowlist: ["203.0.113.0/24"], workflows: ["w"] }),
    },
    {
      name: "imported key, named",
      send: async () =>
        admin("POST", "/apps", {
          appId: uid("app"),
          appKey: `k-${crypto.randomUUID()}`,
          name: "Acme",
          ipAllowlist: [],
          workflows: ["w"],
          stateTtlSeconds: 600,
        }),
    },
  ],
  "GET /admin/v1/apps/{appId} 200": [
    { name: "plain", send: async () => admin("GET", `/apps/${(await provisionApp()).appId}`) },
    {
      name: "in a rotation's grace, with a request key",
      send: async () => {
        const app = await appWithGrace();
        const put = await admin("PUT", `/apps/${app.appId}/request-keys/${uid("rk")}`, {
          publicKey: await ecPublicKeyPem(),
          alg: "ES256",
        });
        expect(put.status).toBe(201);
        return admin("GET", `/apps/${app.appId}`);
      },
    },
  ],
  "PATCH /admin/v1/apps/{appId} 200": one(async () =>
    admin("PATCH", `/apps/${(await provisionApp()).appId}`, { name: "Renamed", stateTtlSeconds: 600 }),
  ),
  "POST /admin/v1/apps/{appId}/rotate-key 200": [
    { name: "no grace", send: async () => admin("POST", `/apps/${(await provisionApp()).appId}/rotate-key`) },
    {
      name: "with grace",
      send: async () =>
        admin("POST", `/apps/${(await provisionApp()).appId}/rotate-key`, { graceSeconds: 60 }),
    },
  ],
  "PUT /admin/v1/apps/{appId}/request-keys/{keyId} 201": one(async () =>
    admin("PUT", `/apps/${(await provisionApp()).appId}/request-keys/${uid("rk")}`, {
      publicKey: await ecPublicKeyPem(),
      alg: "ES256",
    }),
  ),
  "POST /admin/v1/apps/{appId}/transactions/{transactionId}/revoke 200": one(async () => {
    const app = await provisionApp();
    const { transactionId } = await grantedToken(app);
    return admin("POST", `/apps/${app.appId}/transactions/${transactionId}/revoke`);
  }),

  // Admin: orgs and users
  "POST /admin/v1/orgs 201": [
    { name: "defaults", send: async () => admin("POST", "/orgs", { name: uid("org") }) },
    {
      name: "every field",
      send: async () =>
        admin("POST", "/orgs", {
          name: uid("org"),
          uuid: crypto.randomUUID(),
          description: "d",
          product: "chargeback",
          url: "https://example.com",
          hide_name: true,
          tokenTtlSeconds: TOKEN_TTL,
          ipAllowlist: ["203.0.113.10"],
        }),
    },
  ],
  "GET /admin/v1/orgs/{id} 200": one(async () => admin("GET", `/orgs/${(await provisionOrg()).id}`)),
  "PATCH /admin/v1/orgs/{id} 200": one(async () =>
    admin("PATCH", `/orgs/${(await provisionOrg()).id}`, { name: "Renamed", ipAllowlist: null }),
  ),
  "POST /admin/v1/orgs/{id}/users 201": one(async () =>
    admin("POST", `/orgs/${(await provisionOrg()).id}/users`, {
      email: `${uid("user")}@example.com`,
      password: `Pw-${crypto.randomUUID()}`,
    }),
  ),
  "GET /admin/v1/users/{email} 200": one(async () => admin("GET", `/users/${(await provisionUser()).email}`)),
  "PATCH /admin/v1/users/{email} 200": one(async () =>
    admin("PATCH", `/users/${(await provisionUser()).email}`, { disabled: true }),
  ),

  // Admin: merchants and their customers
  "POST /admin/v1/merchants 201": [
    { name: "generated key", send: async () => admin("POST", "/merchants", { merchantId: uid("m") }) },
    {
      name: "every field",
      send: async () =>
        admin("POST", "/merchants", {
          merchantId: uid("m"),
          prefix: "ABC",
          signatureMaxAgeSeconds: 600,
          clientAuthTokenMaxUses: 3,
          ipAllowlist: ["203.0.113.10"],
        }),
    },
  ],
  "GET /admin/v1/merchants/{merchantId} 200": one(async () =>
    admin("GET", `/merchants/${(await provisionMerchant()).merchantId}`),
  ),
  "PATCH /admin/v1/merchants/{merchantId} 200": one(async () =>
    admin("PATCH", `/merchants/${(await provisionMerchant()).merchantId}`, {
      prefix: "NEW",
      ipAllowlist: null,
    }),
  ),
  "POST /admin/v1/merchants/{merchantId}/rotate-key 200": one(async () =>
    admin("POST", `/merchants/${(await provisionMerchant()).merchantId}/rotate-key`, { graceSeconds: 60 }),
  ),
  "PUT /admin/v1/merchants/{merchantId}/keys/{merchantKeyId} 201": one(async () => {
    const merchant = await provisionMerchant();
    return admin("PUT", `/merchants/${merchant.merchantId}/keys/${uid("key")}`, {
      publicKey: (await rsaKeyPair()).publicKeyPem,
    });
  }),
  "GET /admin/v1/merchants/{merchantId}/customers/{customerId} 200": one(async () => {
    const { merchant, customerId } = await freshCustomer({ linked: true });
    return admin("GET", `/merchants/${merchant.merchantId}/customers/${customerId}`);
  }),
  "PUT /admin/v1/merchants/{merchantId}/customers/{customerId}/device 200": one(async () =>
    admin("PUT", `/merchants/${(await provisionMerchant()).merchantId}/customers/${uid("c")}/device`, {
      deviceFingerPrint: "fp-1",
      mobileNumber: "919876543210",
      activated: true,
    }),
  ),
  "PUT /admin/v1/merchants/{merchantId}/customers/{customerId}/vpa-accounts 200": one(async () => {
    const { merchant, customerId } = await freshCustomer();
    return admin("PUT", `/merchants/${merchant.merchantId}/customers/${customerId}/vpa-accounts`, [
      { vpa: "jane@demo", accounts: [DEMO_ACCOUNT] },
    ]);
  }),

  // Admin: signing keys (this file's own key store; each case leaves a working ring behind)
  "GET /admin/v1/signing-keys 200": one(async () => admin("GET", "/signing-keys")),
  "POST /admin/v1/signing-keys/rotate 200": one(async () =>
    admin("POST", "/signing-keys/rotate", { force: true }),
  ),
  "POST /admin/v1/signing-keys/import 201": one(signingKeyImport),
  "POST /admin/v1/signing-keys/{kid}/revoke 200": [
    {
      name: "the next key",
      send: async () => {
        const imported = await json(await signingKeyImport());
        return admin("POST", `/signing-keys/${imported.imported}/revoke`);
      },
    },
    {
      name: "the active key (forced promotion)",
      send: async () => {
        const keys = (await json(await admin("GET", "/signing-keys"))).keys as Array<{
          kid: string;
          state: string;
        }>;
        return admin("POST", `/signing-keys/${keys.find((key) => key.state === "active")!.kid}/revoke`);
      },
    },
  ],
  "GET /admin/v1/signing-keys/events 200": one(async () => {
    expect((await admin("POST", "/signing-keys/rotate", { force: true })).status).toBe(200);
    return admin("GET", "/signing-keys/events?limit=5");
  }),

  // Admin: event logs (with an update, so `changes` is there)
  "GET /admin/v1/apps/{appId}/events 200": one(async () => {
    const app = await provisionApp();
    expect((await admin("PATCH", `/apps/${app.appId}`, { name: "Acme" })).status).toBe(200);
    return admin("GET", `/apps/${app.appId}/events`);
  }),
  "GET /admin/v1/merchants/{merchantId}/events 200": one(async () => {
    const { merchant, customerId } = await freshCustomer();
    expect((await admin("PATCH", `/merchants/${merchant.merchantId}`, { prefix: "NEW" })).status).toBe(200);
    expect(
      (await admin("POST", `/merchants/${merchant.merchantId}/customers/${customerId}/revoke-sessions`))
        .status,
    ).toBe(204);
    return admin("GET", `/merchants/${merchant.merchantId}/events`);
  }),
  "GET /admin/v1/orgs/{id}/events 200": one(async () => {
    const user = await provisionUser();
    expect((await admin("PATCH", `/orgs/${user.orgId}`, { name: "Renamed" })).status).toBe(200);
    return admin("GET", `/orgs/${user.orgId}/events`);
  }),
  "GET /admin/v1/users/{email}/events 200": one(async () => {
    const user = await provisionUser();
    expect(
      (await admin("PATCH", `/users/${user.email}`, { password: `Pw-${crypto.randomUUID()}` })).status,
    ).toBe(200);
    return admin("GET", `/users/${user.email}/events`);
  }),

  // Service
  "GET /healthz 200": one(async () => call("/healthz")),
  // A static file (issue 15): its body is the document itself, as assets/openapi.json holds it; the asset
  // router's headers for it are checked against the document by test/browser/docs.mjs.
  "GET /openapi.json 200": one(async () => Response.json(servedDocument())),
};

// --- the tests ---------------------------------------------------------------------------------------

let document: Json;
let successes: Map<string, Json>;
let validatorOf: (schema: Json) => ValidateFunction;
beforeAll(async () => {
  document = servedDocument();
  successes = documentedSuccesses(document);
  validatorOf = validatorFor(document);
});

describe("the table covers the document", () => {
  it("has a case for every documented 2xx JSON operation and none for an undocumented one", () => {
    expect(successes.size).toBeGreaterThanOrEqual(40);
    expect(coverageGaps(successes.keys(), Object.keys(CASES))).toEqual({ withoutCase: [], undocumented: [] });
    for (const [key, cases] of Object.entries(CASES)) expect(cases.length, key).toBeGreaterThan(0);
  });

  it("the coverage check names a documented operation without a case (a new route cannot escape)", () => {
    const documented = [...successes.keys(), "POST /v9/new-route 200"];
    expect(coverageGaps(documented, Object.keys(CASES))).toEqual({
      withoutCase: ["POST /v9/new-route 200"],
      undocumented: [],
    });
    expect(coverageGaps(successes.keys(), [...Object.keys(CASES), "GET /gone 200"]).undocumented).toEqual([
      "GET /gone 200",
    ]);
  });
});

describe("the validator is the documented schema, not a rubber stamp", () => {
  const tokenSchema = () => successes.get("POST /v2/auth/token 200").content[JSON_TYPE].schema;
  const good = {
    statusCode: 200,
    status: "success",
    result: {
      authToken: "Bearer a.b.c",
      metadata: { appId: "a", transactionId: "t", workflowId: "w", journeyId: crypto.randomUUID() },
    },
  };

  it("accepts a well-formed body and refuses a missing required member, an extra member, a wrong type, a bad format", () => {
    const validate = validatorOf(tokenSchema());
    expect(validate(good), errorsOf(validate.errors).join("\n")).toBe(true);
    const { journeyId: _dropped, ...withoutJourney } = good.result.metadata;
    for (const bad of [
      { ...good, result: { ...good.result, metadata: withoutJourney } },
      { ...good, extra: true },
      { ...good, statusCode: "200" },
      { ...good, status: "failure" },
      { ...good, result: { ...good.result, metadata: { ...good.result.metadata, journeyId: "not-a-uuid" } } },
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it("resolves `$ref`s to components: a Customer API body missing `object` is refused", () => {
    const schema = successes.get("GET /customers/{customerId} 200").content[JSON_TYPE].schema;
    expect(schema.$ref).toMatch(/^#\/components\/schemas\//);
    const validate = validatorOf(schema);
    expect(validate({ id: "cst_x" })).toBe(false);
    expect(errorsOf(validate.errors).join("\n")).toMatch(/required/);
  });
  it("names the members an open schema allows but does not document, not the entries of a map", () => {
    const introspection = successes.get("POST /oauth/introspect 200").content[JSON_TYPE].schema;
    expect(undocumentedMembers(document, introspection, { active: true, sub: "s", surprise: 1 })).toEqual([
      "/surprise",
    ]);
    const events = successes.get("GET /admin/v1/apps/{appId}/events 200").content[JSON_TYPE].schema;
    const event = {
      id: "e",
      at: "t",
      type: "updated",
      requestId: "r",
      changes: { name: { from: "a", to: "b" } },
    };
    expect(undocumentedMembers(document, events, { events: [event], next: null })).toEqual([]);
  });
});

const rows = Object.entries(CASES).flatMap(([key, cases]) =>
  cases.map((scenario) => ({ label: cases.length > 1 ? `${key} (${scenario.name})` : key, key, scenario })),
);

describe("every documented 2xx JSON body is the body really sent", () => {
  it.each(rows)("$label", async ({ key, scenario }) => {
    const documented = successes.get(key);
    expect(documented, `${key} is documented with a 2xx JSON body`).toBeDefined();
    const status = Number(key.split(" ").at(-1));

    const response = await scenario.send();
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json(;|$)/);
    const path = key.split(" ")[1]!;
    for (const name of STATIC_ASSET_PATHS.has(path) ? [] : Object.keys(documented.headers ?? {})) {
      expect(response.headers.get(name), `documented header ${name}`).not.toBeNull();
    }

    const body = JSON.parse(text);
    const schema = documented.content[JSON_TYPE].schema;
    const validate = validatorOf(schema);
    expect(validate(body) ? [] : errorsOf(validate.errors), `${key}: ${text}`).toEqual([]);

    const allowed = new Set(UNDOCUMENTED_ALLOWED[key] ?? []);
    expect(
      undocumentedMembers(document, schema, body).filter((member) => !allowed.has(member)),
      `${key}: members the body has and its schema does not name`,
    ).toEqual([]);

    // The same schema refuses this real body once a required member is gone.
    const required: string[] = resolved(document, schema).required ?? [];
    expect(required.length, `${key}'s schema requires a member`).toBeGreaterThan(0);
    const { [required[0]!]: _removed, ...mutilated } = body;
    expect(validate(mutilated), `${key} without ${required[0]}`).toBe(false);
  });
});
