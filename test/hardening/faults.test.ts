import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { transactionStub } from "../../src/cpr/transaction";
import { portalUserObject } from "../../src/portal/sessions";
import type { Fault } from "../../src/shared/fault";
import { forgetSigningKeyRing, reloadSigningKeyRing } from "../../src/shared/signing-key-ring";
import { breakTenantObject, kvRefusingWrites } from "../admin/support";
import { tokenBody } from "../cpr/helpers";
import { login, provisionOrg, provisionUser, tokenOf } from "../portal/support";
import { ecPublicKeyPem } from "../support/keys";
import { envWithOwnKeyStore } from "../support/signing-key-store";
import { provisionApp } from "../support/tenants";
import { json, uid } from "../support/worker";
import { customerStub, provisionMerchant, signedBody } from "../upi/support";
import { adminAuth, basicAuth, faultRenderers, fetchWith } from "./fixtures";
import { expectRefusal, type ObjectNamespaceName, type RefusalCase } from "./negative";

/**
 * Fault injection through the env seam (docs/http.md#internal-faults): the Worker's own `fetch` with one
 * binding or secret replaced, never a patched global. Every fault is the family's 500 (503 with Retry-After
 * for an overloaded Durable Object), with no token, nothing internal, and no state written.
 */

const DETAIL = "binding exploded at shard 7";
const plainError = () => new Error(DETAIL);
const overloadedError = () => Object.assign(new Error(DETAIL), { overloaded: true });

/** CONFIG whose reads (or writes) fail like a binding does; the rest is the real namespace. */
function failingKv(methods: ReadonlyArray<keyof KVNamespace>, error: () => Error): KVNamespace {
  return new Proxy(env.CONFIG, {
    get(target, property) {
      if (methods.includes(property as keyof KVNamespace)) return () => Promise.reject(error());
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A namespace whose stubs reject every RPC call, as a broken or overloaded object does. */
function failingNamespace(namespace: DurableObjectNamespace, error: () => Error): DurableObjectNamespace {
  const failingStub = new Proxy(
    {},
    {
      get: (_target, property) => (property === "then" ? undefined : () => Promise.reject(error())),
    },
  );
  return new Proxy(namespace, {
    get(target, property) {
      if (property === "getByName" || property === "get") return () => failingStub;
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function faultCase(
  family: keyof typeof faultRenderers,
  fault: Extract<Fault, "internal" | "unavailable">,
  send: () => Promise<Response>,
  options: Pick<RefusalCase, "watch" | "secrets" | "mayWrite"> = {},
): RefusalCase {
  const wire = faultRenderers[family]!(fault);
  return {
    send,
    status: wire.status,
    body: wire.body,
    headers: { "Retry-After": fault === "unavailable" ? "1" : null },
    ...options,
  };
}

const json200 = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

describe.each([
  ["a failing", "internal", plainError],
  ["an overloaded", "unavailable", overloadedError],
] as const)("%s binding", (_what, fault, error) => {
  it("KV read on a CPR token request: the CPR envelope, no token, no transaction", async () => {
    const app = await provisionApp();
    const body = tokenBody(app);
    await expectRefusal(
      faultCase(
        "cpr",
        fault,
        () => fetchWith("/v2/auth/token", json200(body), { CONFIG: failingKv(["get"], error) }),
        {
          watch: [transactionStub(env, app.appId, app.incarnation, body.transactionId as string)],
          secrets: [app.appKey],
        },
      ),
    );
  });

  it("KV read on a portal login: the portal envelope, no failure counted, no token", async () => {
    const user = await provisionUser();
    const init = { headers: { "X-User-Email": user.email, "X-User-Password": user.password } };
    await expectRefusal(
      faultCase("portal", fault, () => fetchWith("/api_auth", init, { CONFIG: failingKv(["get"], error) }), {
        watch: [portalUserObject(env, user.email)],
        secrets: [user.password],
        mayWrite: ["RATE_LIMITER"],
      }),
    );
  });

  it("KV read on UPI signature mode and on the Customer API", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const CONFIG = failingKv(["get"], error);
    await expectRefusal(
      faultCase("upi", fault, () => fetchWith("/hyperapi/process", json200(body), { CONFIG }), {
        watch: [customerStub(merchant, customerId)],
      }),
    );
    const customerHeaders = { "x-merchantid": merchant.merchantId, ...basicAuth(merchant.apiKey, "") };
    await expectRefusal(
      faultCase(
        "customers",
        fault,
        () =>
          fetchWith("/customers", json200({ object_reference_id: customerId }, customerHeaders), { CONFIG }),
        { watch: [customerStub(merchant, customerId)], secrets: [merchant.apiKey] },
      ),
    );
  });

  it("KV read on introspection with tenant credentials: the OAuth envelope, never active", async () => {
    const app = await provisionApp();
    const init = {
      method: "POST",
      headers: { ...basicAuth(app.appId, app.appKey), "Content-Type": "application/x-www-form-urlencoded" },
      body: "token=x",
    };
    await expectRefusal(
      faultCase("oauth", fault, () =>
        fetchWith("/oauth/introspect", init, { CONFIG: failingKv(["get"], error) }),
      ),
    );
  });

  it.each<[string, ObjectNamespaceName, keyof typeof faultRenderers, () => Promise<[string, RequestInit]>]>([
    [
      "CPR_TRANSACTIONS on a token request",
      "CPR_TRANSACTIONS",
      "cpr",
      async () => ["/v2/auth/token", json200(tokenBody(await provisionApp()))],
    ],
    [
      "PORTAL_USERS on a login",
      "PORTAL_USERS",
      "portal",
      async () => {
        const user = await provisionUser();
        return ["/api_auth", { headers: { "X-User-Email": user.email, "X-User-Password": user.password } }];
      },
    ],
    [
      "PORTAL_TOKENS on a session check",
      "PORTAL_TOKENS",
      "portal",
      async () => {
        const token = await tokenOf(await login(await provisionUser()));
        return ["/api_auth/session", { headers: { "X-Optimus-API-Key": token } }];
      },
    ],
    [
      "UPI_CUSTOMERS on signature mode",
      "UPI_CUSTOMERS",
      "upi",
      async () => [
        "/hyperapi/process",
        json200(await signedBody(await provisionMerchant(), { customerId: uid("c") })),
      ],
    ],
    [
      "UPI_CLIENT_TOKENS on a client auth token request",
      "UPI_CLIENT_TOKENS",
      "customers",
      async () => {
        const merchant = await provisionMerchant();
        return [
          "/customers",
          json200(
            { object_reference_id: uid("c"), options: { get_client_auth_token: true } },
            { "x-merchantid": merchant.merchantId, ...basicAuth(merchant.apiKey, "") },
          ),
        ];
      },
    ],
    [
      "SEQUENCES on an org creation",
      "SEQUENCES",
      "admin",
      async () => ["/admin/v1/orgs", json200({ name: uid("org") }, adminAuth())],
    ],
  ])("Durable Object %s: the family's envelope, no token", async (_title, binding, family, build) => {
    const [path, init] = await build();
    const broken = {
      [binding]: failingNamespace(env[binding] as unknown as DurableObjectNamespace, error),
    } as Partial<Env>;
    // A client auth token is added to the customer object before its index fails: it is never disclosed.
    // Portal logins count against the email's rate limit before anything else
    // (docs/operations.md#rate-limits).
    const mayWrite: ObjectNamespaceName[] =
      binding === "UPI_CLIENT_TOKENS" ? ["UPI_CUSTOMERS"] : family === "portal" ? ["RATE_LIMITER"] : [];
    await expectRefusal(faultCase(family, fault, () => fetchWith(path, init, broken), { mayWrite }));
  });
});

describe("signing keys unusable: SIGNING_KEYS corrupt on an empty store, KEY_ENCRYPTION_SECRET missing or changed", () => {
  let publicOnly: string;
  let unsupported: string;
  beforeAll(async () => {
    const { keys } = JSON.parse(env.SIGNING_KEYS!) as { keys: Array<Record<string, string>> };
    const { d: _d, ...publicPart } = keys[0]!;
    publicOnly = JSON.stringify({ keys: [publicPart] });
    unsupported = JSON.stringify({ keys: [{ ...keys[0], crv: "P-384" }] });
  });
  // Each case has a key store of its own; the isolate's ring must not outlive it.
  afterEach(() => forgetSigningKeyRing());

  /** A key store filled under the real secret, and an env that opens it with `secret`. */
  async function storeOpenedWith(secret: string): Promise<Partial<Env>> {
    const own = envWithOwnKeyStore();
    await reloadSigningKeyRing(own);
    forgetSigningKeyRing();
    return { ...own, KEY_ENCRYPTION_SECRET: secret };
  }

  it.each([
    ["SIGNING_KEYS not JSON", async () => envWithOwnKeyStore({ SIGNING_KEYS: "{keys:" })],
    ["SIGNING_KEYS a public key only", async () => envWithOwnKeyStore({ SIGNING_KEYS: publicOnly })],
    ["SIGNING_KEYS an unsupported curve", async () => envWithOwnKeyStore({ SIGNING_KEYS: unsupported })],
    ["SIGNING_KEYS an empty key set", async () => envWithOwnKeyStore({ SIGNING_KEYS: '{"keys":[]}' })],
    [
      "KEY_ENCRYPTION_SECRET missing (empty store)",
      async () => envWithOwnKeyStore({ KEY_ENCRYPTION_SECRET: "" }),
    ],
    ["KEY_ENCRYPTION_SECRET missing", () => storeOpenedWith("")],
    ["KEY_ENCRYPTION_SECRET changed", () => storeOpenedWith("another-secret-entirely")],
  ])("%s: the CPR 500, no token, no transaction state written", async (_what, changes) => {
    const app = await provisionApp();
    const body = tokenBody(app, { email: `${uid("u")}@example.com` });
    const broken = await changes();
    await expectRefusal(
      faultCase("cpr", "internal", () => fetchWith("/v2/auth/token", json200(body), broken), {
        watch: [transactionStub(env, app.appId, app.incarnation, body.transactionId as string)],
        secrets: [app.appKey],
      }),
    );
  });

  it("a changed KEY_ENCRYPTION_SECRET never lets a CPR token through introspection: OAuth 500", async () => {
    const init = {
      method: "POST",
      headers: { ...adminAuth(), "Content-Type": "application/x-www-form-urlencoded" },
      body: `token=${"eyJhbGciOiJFUzI1NiIsInR5cCI6ImNwcitqd3QifQ.e30.sig"}`,
    };
    const broken = await storeOpenedWith("another-secret-entirely");
    await expectRefusal(faultCase("oauth", "internal", () => fetchWith("/oauth/introspect", init, broken)));
  });
});

describe("secrets missing: never a default that lets a request through", () => {
  it.each([
    ["UNIQUE_ID_SECRET on a CPR request with an email", "UNIQUE_ID_SECRET", "cpr"],
    ["PASSWORD_PEPPER on a portal login", "PASSWORD_PEPPER", "portal"],
  ] as const)("%s", async (_title, secret, family) => {
    if (family === "cpr") {
      const app = await provisionApp();
      const body = tokenBody(app, { email: `${uid("u")}@example.com` });
      await expectRefusal(
        faultCase("cpr", "internal", () => fetchWith("/v2/auth/token", json200(body), { [secret]: "" }), {
          watch: [transactionStub(env, app.appId, app.incarnation, body.transactionId as string)],
        }),
      );
    } else {
      const user = await provisionUser();
      const init = { headers: { "X-User-Email": user.email, "X-User-Password": user.password } };
      await expectRefusal(
        faultCase("portal", "internal", () => fetchWith("/api_auth", init, { [secret]: "" }), {
          watch: [portalUserObject(env, user.email)],
          mayWrite: ["RATE_LIMITER"],
        }),
      );
    }
  });
});

// docs/storage.md#tenant-objects: the tenant's object commits, then publishes the KV copy. A failing publish
// is a 500; the change is kept by the object and the next read repairs the copy
// (test/admin/control-plane.test.ts).
describe("a failing KV write in the middle of an admin write", () => {
  it("creating a portal user: 500, no half-made user can log in, and the next read repairs it", async () => {
    const org = await provisionOrg();
    const email = `${uid("u")}@example.com`;
    const password = `Pw-${crypto.randomUUID()}`;
    const broken = await breakTenantObject("portal-user", email, { CONFIG: kvRefusingWrites() });
    const response = await fetchWith(
      `/admin/v1/orgs/${org.id}/users`,
      json200({ email, password }, adminAuth()),
      {},
    );
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual(faultRenderers.admin!("internal").body);
    expect(await env.CONFIG.get(`portal-user:${email}`)).toBeNull();
    expect((await login({ email, password })).status).toBe(401);
    await broken.restore();
    const read = await fetchWith(`/admin/v1/users/${email}`, { headers: adminAuth() }, {});
    expect(read.status).toBe(200);
    expect(await env.CONFIG.get(`portal-user:${email}`)).not.toBeNull();
    expect((await login({ email, password })).status).toBe(200);
  });

  it("registering a CPR request key: 500, the copy untouched until the next read publishes the key", async () => {
    const app = await provisionApp();
    const before = await env.CONFIG.get(`app:${app.appId}`);
    const publicKey = await ecPublicKeyPem();
    const broken = await breakTenantObject("app", app.appId, { CONFIG: kvRefusingWrites() });
    const response = await fetchWith(
      `/admin/v1/apps/${app.appId}/request-keys/k1`,
      {
        method: "PUT",
        headers: { ...adminAuth(), "Content-Type": "application/json" },
        body: JSON.stringify({ publicKey }),
      },
      {},
    );
    expect(response.status).toBe(500);
    expect(await env.CONFIG.get(`app:${app.appId}`)).toBe(before);
    await broken.restore();
    expect((await fetchWith(`/admin/v1/apps/${app.appId}`, { headers: adminAuth() }, {})).status).toBe(200);
    expect(JSON.parse((await env.CONFIG.get(`app:${app.appId}`))!).requestKeys).toHaveProperty("k1");
  });
});
