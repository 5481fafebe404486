import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_FAILURES } from "../../src/portal/user";
import { tenantObject } from "../../src/shared/tenants";
import { grantedToken, stateOf } from "../cpr/helpers";
import { adminAuth, fetchWith } from "../hardening/fixtures";
import { checkSession, login, provisionUser, tokenOf } from "../portal/support";
import { ecPublicKeyPem, spkiPem } from "../support/keys";
import { provisionApp } from "../support/tenants";
import { admin, call, json, TEST_IP, uid } from "../support/worker";
import {
  bindDevice,
  customerApiCall,
  DEMO_ACCOUNT,
  processCall,
  provisionMerchant,
  signedBody,
} from "../upi/support";
import { runTenantAlarm } from "./support";

/**
 * docs/admin.md#event-log event log: every admin change and the tenant's security events, newest first,
 * paged, never a secret, hash or full email; the log belongs to the id and outlives delete and re-create.
 */

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An admin call carrying a known X-Request-Id, so events can be traced to it. */
async function traced(method: string, path: string, body?: unknown) {
  const requestId = `req-${crypto.randomUUID()}`;
  const response = await admin(method, path, body, { "X-Request-Id": requestId });
  return { response, requestId };
}

/** Revokes a token through `/oauth/revoke` with the caller's credentials, carrying a known X-Request-Id. */
async function tracedRevoke(credentials: Record<string, string>, token: string) {
  const requestId = `req-${crypto.randomUUID()}`;
  const response = await call("/oauth/revoke", {
    method: "POST",
    headers: {
      ...credentials,
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Request-Id": requestId,
    },
    body: `token=${token}`,
  });
  return { response, requestId };
}

/** A merchant's credentials as an OAuth client (RFC 6749 §2.3.1 Basic). */
function merchantCredentials(merchant: { merchantId: string; apiKey: string }) {
  return { Authorization: `Basic ${btoa(`${merchant.merchantId}:${merchant.apiKey}`)}` };
}

/** The newest event of the tenant at `path` is `type` for `requestId`, and the log nowhere quotes `token`. */
async function expectNewestRevocation(path: string, type: string, requestId: string, token: string) {
  const { events } = await eventsOf(path);
  expect(events[0]).toEqual({ id: expect.any(String), at: expect.stringMatching(ISO_UTC), type, requestId });
  expect(JSON.stringify(events)).not.toContain(token);
  return events;
}

async function eventsOf(path: string, query = "") {
  const response = await admin("GET", `${path}/events${query}`);
  expect(response.status).toBe(200);
  return json(response);
}

describe("GET /admin/v1/apps/{appId}/events", () => {
  it("lists created, updated (with changes), key_rotated, request keys and deleted, newest first", async () => {
    const appId = uid("app");
    const created = await traced("POST", "/apps", { appId, ipAllowlist: [TEST_IP], workflows: ["w1"] });
    const { appKey } = await json(created.response);
    const updated = await traced("PATCH", `/apps/${appId}`, { name: "Acme", workflows: ["w1", "w2"] });
    const rotated = await traced("POST", `/apps/${appId}/rotate-key`, { graceSeconds: 60 });
    const { appKey: newKey } = await json(rotated.response);
    const publicKey = await ecPublicKeyPem();
    const keyAdded = await traced("PUT", `/apps/${appId}/request-keys/k1`, { publicKey });
    const keyRemoved = await traced("DELETE", `/apps/${appId}/request-keys/k1`);
    const deleted = await traced("DELETE", `/apps/${appId}`);

    const page = await eventsOf(`/apps/${appId}`);
    expect(page.next).toBeNull();
    expect(page.events.map((event: { type: string }) => event.type)).toEqual([
      "deleted",
      "request_key_removed",
      "request_key_added",
      "key_rotated",
      "updated",
      "created",
    ]);
    const [del, removed, added, rotation, update, creation] = page.events;
    expect(creation).toEqual({
      id: expect.any(String),
      at: expect.stringMatching(ISO_UTC),
      type: "created",
      requestId: created.requestId,
    });
    expect(update).toEqual({
      id: expect.any(String),
      at: expect.stringMatching(ISO_UTC),
      type: "updated",
      requestId: updated.requestId,
      changes: { name: { from: null, to: "Acme" }, workflows: { from: ["w1"], to: ["w1", "w2"] } },
    });
    expect(rotation.requestId).toBe(rotated.requestId);
    expect(rotation.changes).toEqual({
      appKey: { from: "previous", to: "rotated" },
      previousKeyExpiresAt: { from: null, to: expect.stringMatching(ISO_UTC) },
    });
    expect(added).toMatchObject({
      requestId: keyAdded.requestId,
      changes: { "requestKeys.k1": { from: null, to: "ES256" } },
    });
    expect(removed).toMatchObject({
      requestId: keyRemoved.requestId,
      changes: { "requestKeys.k1": { from: "ES256", to: null } },
    });
    expect(del).toEqual({
      id: expect.any(String),
      at: expect.stringMatching(ISO_UTC),
      type: "deleted",
      requestId: deleted.requestId,
    });
    const text = JSON.stringify(page);
    for (const secret of [appKey, newKey, "Sha256", "BEGIN PUBLIC KEY"]) expect(text).not.toContain(secret);
  });

  it("pages newest first with an opaque cursor, and refuses bad paging with 400", async () => {
    const app = await provisionApp();
    for (let index = 0; index < 6; index++) await admin("PATCH", `/apps/${app.appId}`, { name: `n${index}` });
    const first = await eventsOf(`/apps/${app.appId}`, "?limit=3");
    expect(
      first.events.map((event: { changes?: { name?: { to: unknown } } }) => event.changes?.name?.to),
    ).toEqual(["n5", "n4", "n3"]);
    expect(typeof first.next).toBe("string");
    const second = await eventsOf(`/apps/${app.appId}`, `?limit=3&before=${first.next}`);
    expect(
      second.events.map((event: { changes?: { name?: { to: unknown } } }) => event.changes?.name?.to),
    ).toEqual(["n2", "n1", "n0"]);
    const last = await eventsOf(`/apps/${app.appId}`, `?limit=3&before=${second.next}`);
    expect(last).toEqual({ events: [expect.objectContaining({ type: "created" })], next: null });
    expect((await eventsOf(`/apps/${app.appId}`)).events).toHaveLength(7);
    for (const query of ["?limit=0", "?limit=101", "?limit=abc", "?limit=1.5", "?before=abc", "?before=-1"]) {
      const response = await admin("GET", `/apps/${app.appId}/events${query}`);
      expect(response.status, query).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
  });

  it("keeps the log across delete and re-create, and records admin and OAuth revocations", async () => {
    const app = await provisionApp();
    const { answer, transactionId } = await grantedToken(app);
    const revoked = await traced("POST", `/apps/${app.appId}/transactions/${transactionId}/revoke`);
    expect(revoked.response.status).toBe(200);
    const { answer: second } = await grantedToken(app);
    const oauth = await tracedRevoke(
      { Authorization: `Basic ${btoa(`${app.appId}:${app.appKey}`)}` },
      second.result.authToken.slice("Bearer ".length),
    );
    expect(oauth.response.status).toBe(200);
    expect(answer.result.authToken).toBeTruthy();
    await admin("DELETE", `/apps/${app.appId}`);
    await admin("POST", "/apps", { appId: app.appId, ipAllowlist: [], workflows: [] });
    const { events } = await eventsOf(`/apps/${app.appId}`);
    expect(events.map((event: { type: string }) => event.type)).toEqual([
      "created",
      "deleted",
      "transaction_revoked",
      "transaction_revoked",
      "created",
    ]);
    expect(events[2].requestId).toBe(oauth.requestId);
    expect(events[3].requestId).toBe(revoked.requestId);
  });

  it("answers an empty log for an id that never existed", async () => {
    expect(await eventsOf(`/apps/${uid("never")}`)).toEqual({ events: [], next: null });
  });
});

describe("merchant, org and user logs", () => {
  it("records merchant key additions and retirements", async () => {
    const merchantId = uid("m");
    await admin("POST", "/merchants", { merchantId });
    const pair = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const publicKey = await spkiPem(pair.publicKey);
    expect((await admin("PUT", `/merchants/${merchantId}/keys/mk1`, { publicKey })).status).toBe(201);
    expect((await admin("DELETE", `/merchants/${merchantId}/keys/mk1`)).status).toBe(204);
    const { events } = await eventsOf(`/merchants/${merchantId}`);
    expect(events.map((event: { type: string; changes?: unknown }) => [event.type, event.changes])).toEqual([
      ["merchant_key_retired", { "merchantKeys.mk1": { from: "active", to: "retired" } }],
      ["merchant_key_added", { "merchantKeys.mk1": { from: null, to: "active" } }],
      ["created", undefined],
    ]);
  });

  it("records an org's users with masked emails, and a user's password change, lockout and unlock", async () => {
    const org = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const email = `${uid("jane")}@example.com`;
    const password = `Pw-${crypto.randomUUID()}`;
    expect((await admin("POST", `/orgs/${org.id}/users`, { email, password })).status).toBe(201);
    const newPassword = `Pw-${crypto.randomUUID()}`;
    expect((await admin("PATCH", `/users/${email}`, { password: newPassword })).status).toBe(200);
    for (let attempt = 0; attempt < MAX_FAILURES; attempt++)
      await login({ email, password: `wrong-${attempt}` });
    expect((await login({ email, password: newPassword })).status).toBe(429);
    expect((await admin("POST", `/users/${email}/unlock`)).status).toBe(204);
    expect((await login({ email, password: newPassword })).status).toBe(200);
    expect((await admin("DELETE", `/users/${email}`)).status).toBe(204);

    const user = await eventsOf(`/users/${email}`);
    expect(user.events.map((event: { type: string }) => event.type)).toEqual([
      "deleted",
      "unlocked",
      "locked_out",
      "updated",
      "created",
    ]);
    expect(user.events[3].changes).toEqual({ password: { from: "previous", to: "rotated" } });
    const orgLog = await eventsOf(`/orgs/${org.id}`);
    expect(orgLog.events.map((event: { type: string }) => event.type)).toEqual([
      "user_removed",
      "user_added",
      "created",
    ]);
    expect(Object.keys(orgLog.events[1].changes)).toEqual([`users.${email[0]}***@e***.com`]);
    const text = JSON.stringify([user, orgLog]);
    for (const secret of [email, password, newPassword, "pbkdf2"]) expect(text).not.toContain(secret);
    expect(await env.CONFIG.get(`portal-user:${email}`)).toBeNull();
  });
});

describe("retention (docs/admin.md#event-log: at least 13 months)", () => {
  it("drops events older than 13 calendar months on the object's alarm and keeps younger ones", async () => {
    const app = await provisionApp();
    const now = new Date();
    const old = new Date(now);
    old.setUTCMonth(old.getUTCMonth() - 13);
    old.setUTCDate(old.getUTCDate() - 1);
    const kept = new Date(now);
    kept.setUTCMonth(kept.getUTCMonth() - 13);
    kept.setUTCDate(kept.getUTCDate() + 1);
    await runInDurableObject(tenantObject(env, "app", app.appId), (_instance, state) => {
      for (const [at, requestId] of [
        [old.getTime(), "too-old"],
        [kept.getTime(), "kept"],
      ] as const) {
        state.storage.sql.exec(
          "INSERT INTO events (at, type, request_id, changes) VALUES (?, 'updated', ?, NULL)",
          at,
          requestId,
        );
      }
    });
    expect((await eventsOf(`/apps/${app.appId}`)).events).toHaveLength(3);
    expect(await runTenantAlarm("app", app.appId)).toBe(true);
    const { events } = await eventsOf(`/apps/${app.appId}`);
    expect(events.map((event: { requestId: string; type: string }) => event.requestId)).toContain("kept");
    expect(events.map((event: { requestId: string }) => event.requestId)).not.toContain("too-old");
    expect(events).toHaveLength(2);
  });
});

describe("UPI security events", () => {
  it("records sessions_revoked when a merchant revokes a UPI session token", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("cust");
    await bindDevice(merchant.merchantId, customerId);
    const session = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
    expect(session.status).toBe(200);
    const token = (await json(session)).payload.sessionToken as string;
    const { response: revoked, requestId } = await tracedRevoke(merchantCredentials(merchant), token);
    expect(revoked.status).toBe(200);
    await expectNewestRevocation(`/merchants/${merchant.merchantId}`, "sessions_revoked", requestId, token);
  });

  it("records client_token_revoked when a merchant revokes a client auth token", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("cust");
    const created = await customerApiCall(merchant, "/customers", {
      json: { object_reference_id: customerId, "options.get_client_auth_token": "true" },
    });
    expect(created.status).toBe(200);
    const token = (await json(created)).juspay.client_auth_token as string;
    const { response: revoked, requestId } = await tracedRevoke(merchantCredentials(merchant), token);
    expect(revoked.status).toBe(200);
    const events = await expectNewestRevocation(
      `/merchants/${merchant.merchantId}`,
      "client_token_revoked",
      requestId,
      token,
    );
    // The twin: revoking it again (no longer live) revokes nothing and records nothing.
    await tracedRevoke(merchantCredentials(merchant), token);
    expect((await eventsOf(`/merchants/${merchant.merchantId}`)).events).toHaveLength(events.length);
  });
});

describe("admin changes to a merchant's customers", () => {
  it("records device bound and unbound, accounts set and sessions revoked, with none of the customer's data", async () => {
    const merchant = await provisionMerchant();
    // A merchant's own reference may be an email: it never appears in the merchant's log.
    const customerId = `${uid("jane")}@example.com`;
    const path = `/merchants/${merchant.merchantId}/customers/${customerId}`;
    const bound = await traced("PUT", `${path}/device`, {
      deviceFingerPrint: "fp-secret-device",
      mobileNumber: "919876543210",
      activated: true,
    });
    expect(bound.response.status).toBe(200);
    const linked = await traced("PUT", `${path}/vpa-accounts`, [
      { vpa: "jane@upi", accounts: [DEMO_ACCOUNT] },
    ]);
    expect(linked.response.status).toBe(200);
    const unbound = await traced("DELETE", `${path}/device`);
    expect(unbound.response.status).toBe(204);
    const revoked = await traced("POST", `${path}/revoke-sessions`);
    expect(revoked.response.status).toBe(204);

    const { events } = await eventsOf(`/merchants/${merchant.merchantId}`);
    expect(
      events.slice(0, 4).map((event: { type: string; requestId: string }) => [event.type, event.requestId]),
    ).toEqual([
      ["sessions_revoked", revoked.requestId],
      ["customer_device_unbound", unbound.requestId],
      ["customer_accounts_set", linked.requestId],
      ["customer_device_bound", bound.requestId],
    ]);
    const text = JSON.stringify(events);
    for (const data of [customerId, "fp-secret-device", "9876543210", "jane@upi"]) {
      expect(text).not.toContain(data);
    }
    // The twin: unbinding a device that is not bound changes nothing and records nothing.
    expect((await admin("DELETE", `${path}/device`)).status).toBe(404);
    expect((await eventsOf(`/merchants/${merchant.merchantId}`)).events).toHaveLength(events.length);
  });
});

describe("portal security events", () => {
  it.each([
    ["the admin", (_token: string) => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` })],
    ["the user itself (logout)", (token: string) => ({ "X-Optimus-API-Key": token })],
  ] as const)("records token_revoked when %s revokes a portal token", async (_who, auth) => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    const { response: revoked, requestId } = await tracedRevoke(auth(token), token);
    expect(revoked.status).toBe(200);
    expect((await checkSession(token)).status).toBe(401);
    const events = await expectNewestRevocation(`/users/${user.email}`, "token_revoked", requestId, token);
    const text = JSON.stringify(events);
    expect(text).not.toContain(user.email);
  });
});

describe("an event that cannot be appended after its change was committed", () => {
  it("is logged as a fault, and the committed revocation still answers 200 and stands", async () => {
    const app = await provisionApp();
    const { transactionId } = await grantedToken(app);
    // The app's object answers reads but refuses the append, as an outage between the two calls would.
    const tenants = new Proxy(env.TENANTS, {
      get(target, property) {
        if (property !== "getByName") return Reflect.get(target, property);
        return (name: string) => {
          const stub = target.getByName(name);
          return {
            read: () => stub.read(),
            recordEvent: () => Promise.reject(new Error("tenant object unreachable")),
          };
        };
      },
    });
    const response = await fetchWith(
      `/admin/v1/apps/${app.appId}/transactions/${transactionId}/revoke`,
      { method: "POST", headers: adminAuth() },
      { TENANTS: tenants },
    );
    expect(response.status).toBe(200);
    expect((await json(response)).revocationEpoch).toBe(1);
    expect((await stateOf(app.appId, transactionId))?.revocationEpoch).toBe(1);
    const { events } = await eventsOf(`/apps/${app.appId}`);
    expect(events.map((event: { type: string }) => event.type)).not.toContain("transaction_revoked");
  });
});
