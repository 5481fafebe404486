import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PURGE_BATCH } from "../../src/admin/tenant";
import { MERCHANTS } from "../../src/shared/config-records";
import { ConfigStore } from "../../src/shared/config-store";
import { tenantObject } from "../../src/shared/tenants";
import { login } from "../portal/support";
import { ecPublicKeyPem } from "../support/keys";
import { incarnationOf } from "../support/tenants";
import { admin, call, json, postJson, TEST_IP, uid } from "../support/worker";
import {
  customerStub,
  type MerchantIncarnation,
  processCall,
  registerKey,
  signedBody,
  storedKeys,
} from "../upi/support";
import { breakTenantObject, runTenantAlarm } from "./support";

/**
 * docs/storage.md#purge lifecycle: a delete ends the tenant's incarnation, deletes its KV copies and purges
 * its state in the background; a re-created id is a new tenant that inherits nothing.
 */

async function createMerchant(merchantId = uid("m")) {
  const response = await admin("POST", "/merchants", { merchantId });
  expect(response.status).toBe(201);
  return {
    merchantId,
    apiKey: (await json(response)).apiKey as string,
    incarnation: await incarnationOf("merchant", merchantId),
  };
}

/** Creates a customer through the Customer API, as the merchant's server does. */
async function createCustomer(merchant: { merchantId: string; apiKey: string }, customerId = uid("c")) {
  const response = await postJson(
    "/customers",
    { object_reference_id: customerId, mobile_number: "9876543210", email_address: "jane@example.com" },
    {
      headers: { "x-merchantid": merchant.merchantId, Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}` },
    },
  );
  expect(response.status).toBe(200);
  return customerId;
}

async function purgedCount(merchant: MerchantIncarnation, customerIds: string[]): Promise<number> {
  const stored = await Promise.all(customerIds.map((customerId) => storedKeys(merchant, customerId)));
  return stored.filter((keys) => keys.length === 0).length;
}

describe("deleting and re-creating an app (docs/storage.md#incarnations)", () => {
  it("ends the old app: its key, request keys and record copy are gone, the new one inherits nothing", async () => {
    const appId = uid("app");
    const first = await json(
      await admin("POST", "/apps", { appId, ipAllowlist: [TEST_IP], workflows: ["w"] }),
    );
    const oldCopy = JSON.parse((await env.CONFIG.get(`app:${appId}`))!);
    expect(
      (await admin("PUT", `/apps/${appId}/request-keys/k1`, { publicKey: await ecPublicKeyPem() })).status,
    ).toBe(201);
    expect((await admin("DELETE", `/apps/${appId}`)).status).toBe(204);
    expect(await env.CONFIG.get(`app:${appId}`)).toBeNull();
    expect((await admin("GET", `/apps/${appId}`)).status).toBe(404);

    const second = await json(await admin("POST", "/apps", { appId, ipAllowlist: [TEST_IP], workflows: [] }));
    expect(second.requestKeys).toEqual([]);
    expect(second.workflows).toEqual([]);
    const newCopy = JSON.parse((await env.CONFIG.get(`app:${appId}`))!);
    expect(newCopy.requestKeys).toEqual({});
    expect(newCopy.incarnation).toMatch(/^[0-9a-f]{32}$/);
    expect(newCopy.incarnation).not.toBe(oldCopy.incarnation);
    const introspect = (key: string) =>
      call("/oauth/introspect", {
        method: "POST",
        headers: {
          Authorization: `Basic ${btoa(`${appId}:${key}`)}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "token=x",
      });
    expect((await introspect(first.appKey)).status).toBe(401);
    expect((await introspect(second.appKey)).status).toBe(200);
  });
});

describe("deleting and re-creating a merchant (docs/storage.md#incarnations)", () => {
  it("deletes every key copy without a KV list, and a re-created merchant has no key", async () => {
    const merchant = await createMerchant();
    const keys = [await registerKey(merchant.merchantId), await registerKey(merchant.merchantId)];
    for (const key of keys) {
      expect(await env.CONFIG.get(`merchant-key:${merchant.merchantId}/${key.merchantKeyId}`)).not.toBeNull();
    }
    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);
    expect(await env.CONFIG.get(`merchant:${merchant.merchantId}`)).toBeNull();
    for (const key of keys) {
      expect(await env.CONFIG.get(`merchant-key:${merchant.merchantId}/${key.merchantKeyId}`)).toBeNull();
    }
    const again = await createMerchant(merchant.merchantId);
    expect((await json(await admin("GET", `/merchants/${merchant.merchantId}`))).keys).toEqual([]);
    // A copy of an old key still cached elsewhere (KV delay) verifies nothing for the new merchant.
    const stale = JSON.parse((await env.CONFIG.get(`merchant:${merchant.merchantId}`))!);
    const oldIncarnation = "0".repeat(32);
    expect(stale.incarnation).not.toBe(oldIncarnation);
    const key = keys[0]!;
    await env.CONFIG.put(
      `merchant-key:${merchant.merchantId}/${key.merchantKeyId}`,
      JSON.stringify({
        merchantId: merchant.merchantId,
        incarnation: oldIncarnation,
        merchantKeyId: key.merchantKeyId,
        publicKeyPem: key.publicKeyPem,
        modulusBits: 2048,
        status: "active",
        createdAt: stale.createdAt,
        updatedAt: stale.createdAt,
      }),
    );
    const response = await processCall(await signedBody({ ...again, key }, { customerId: uid("c") }));
    expect(response.status).toBe(401);
  });

  it("refuses an 11th active merchant key with a 400 naming the limit, and keeps the 10", async () => {
    const merchant = await createMerchant();
    const { publicKeyPem } = await registerKey(merchant.merchantId, "k0");
    for (let index = 1; index < 10; index++) {
      expect(
        (await admin("PUT", `/merchants/${merchant.merchantId}/keys/k${index}`, { publicKey: publicKeyPem }))
          .status,
      ).toBe(201);
    }
    const refused = await admin("PUT", `/merchants/${merchant.merchantId}/keys/k10`, {
      publicKey: publicKeyPem,
    });
    expect(refused.status).toBe(400);
    expect(await json(refused)).toEqual({
      error: { code: "invalid_request", message: "A merchant holds at most 10 active keys" },
    });
    expect(await env.CONFIG.get(`merchant-key:${merchant.merchantId}/k10`)).toBeNull();
    expect((await admin("DELETE", `/merchants/${merchant.merchantId}/keys/k0`)).status).toBe(204);
    expect(
      (await admin("PUT", `/merchants/${merchant.merchantId}/keys/k10`, { publicKey: publicKeyPem })).status,
    ).toBe(201);
    expect((await json(await admin("GET", `/merchants/${merchant.merchantId}`))).keys).toHaveLength(11);
  });

  it("purges the old customers (Customer API and admin routes) in bounded steps by alarm", async () => {
    const merchant = await createMerchant();
    const customerIds: string[] = [];
    for (let index = 0; index < PURGE_BATCH + 2; index++) customerIds.push(await createCustomer(merchant));
    const admined = uid("c");
    const bound = await admin("PUT", `/merchants/${merchant.merchantId}/customers/${admined}/device`, {
      deviceFingerPrint: "fp-1",
      mobileNumber: "9876543210",
      activated: true,
    });
    expect(bound.status).toBe(200);
    customerIds.push(admined);
    expect(await purgedCount(merchant, customerIds)).toBe(0);

    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);
    await createMerchant(merchant.merchantId);

    expect(await runTenantAlarm("merchant", merchant.merchantId)).toBe(true);
    expect(await purgedCount(merchant, customerIds)).toBe(PURGE_BATCH);
    expect(await runTenantAlarm("merchant", merchant.merchantId)).toBe(true);
    expect(await purgedCount(merchant, customerIds)).toBe(customerIds.length);
  });

  it("purges a customer whose sessions an admin revoked, like the customers the other routes touched", async () => {
    const merchant = await createMerchant();
    const customerId = uid("c");
    const revoked = await admin(
      "POST",
      `/merchants/${merchant.merchantId}/customers/${customerId}/revoke-sessions`,
    );
    expect(revoked.status).toBe(204);
    expect(await storedKeys(merchant, customerId)).toEqual(["session-epoch"]);

    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);
    expect(await runTenantAlarm("merchant", merchant.merchantId)).toBe(true);
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("purges a customer that only met signature mode and a session revocation, once its records expire", async () => {
    const merchant = await createMerchant();
    const key = await registerKey(merchant.merchantId);
    const customerId = uid("c");
    const session = await processCall(await signedBody({ ...merchant, key }, { customerId }));
    expect(session.status).toBe(200);
    const revoked = await call("/oauth/revoke", {
      method: "POST",
      headers: {
        Authorization: `Basic ${btoa(`${merchant.merchantId}:${merchant.apiKey}`)}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: `token=${(await json(session)).payload.sessionToken}`,
    });
    expect(revoked.status).toBe(200);
    const customer = customerStub(merchant, customerId);
    const kept = await storedKeys(merchant, customerId);
    expect(kept.map((name) => name.split(":")[0]).sort()).toEqual(["redemption", "revoked-session"]);

    // No merchant object knows this customer (process adds no hop to register it): the merchant's
    // purge leaves it, and its own alarm erases it once what it remembers has expired.
    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);
    await runTenantAlarm("merchant", merchant.merchantId);
    expect(await storedKeys(merchant, customerId)).toEqual(kept);
    expect(await runInDurableObject(customer, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
    // The twin: before its records expire, the alarm keeps them.
    expect(await runDurableObjectAlarm(customer)).toBe(true);
    expect(await storedKeys(merchant, customerId)).toEqual(kept);
    // Time passes: every record's end moves to the past.
    await runInDurableObject(customer, (_instance, state) => {
      for (const [name, value] of state.storage.kv.list<unknown>()) {
        state.storage.kv.put(name, typeof value === "number" ? 1 : { ...(value as object), keepUntil: 1 });
      }
    });
    expect(await runDurableObjectAlarm(customer)).toBe(true);
    expect(await storedKeys(merchant, customerId)).toEqual([]);
  });

  it("resumes a purge interrupted mid-way", async () => {
    const merchant = await createMerchant();
    const customerIds: string[] = [];
    for (let index = 0; index < 6; index++) customerIds.push(await createCustomer(merchant));
    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);

    // The customers' namespace fails after three purges, as an eviction or an outage would stop it.
    let purges = 0;
    const failing = new Proxy(env.UPI_CUSTOMERS, {
      get(target, property) {
        if (property !== "getByName")
          return Reflect.get(target, property).bind?.(target) ?? Reflect.get(target, property);
        return (name: string) => {
          const stub = target.getByName(name);
          return {
            purge: () => (++purges > 3 ? Promise.reject(new Error("interrupted")) : stub.purge()),
          };
        };
      },
    });
    const broken = await breakTenantObject("merchant", merchant.merchantId, { UPI_CUSTOMERS: failing });
    await expect(runTenantAlarm("merchant", merchant.merchantId)).rejects.toThrow();
    expect(await purgedCount(merchant, customerIds)).toBe(3);
    await broken.restore();
    // The interrupted run left its alarm set: the next run finishes the job.
    expect(await runTenantAlarm("merchant", merchant.merchantId)).toBe(true);
    expect(await purgedCount(merchant, customerIds)).toBe(6);
    const left = await runInDurableObject(
      tenantObject(env, "merchant", merchant.merchantId),
      (_instance, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM customers").one(),
    );
    expect(left).toEqual({ n: 0 });
  });

  it("refuses to create a customer for a merchant that no longer exists, whatever a stale copy says", async () => {
    const merchant = await createMerchant();
    const copy = await env.CONFIG.get(`merchant:${merchant.merchantId}`);
    expect((await admin("DELETE", `/merchants/${merchant.merchantId}`)).status).toBe(204);
    await env.CONFIG.put(`merchant:${merchant.merchantId}`, copy!);
    const customerId = uid("c");
    const response = await postJson(
      "/customers",
      { object_reference_id: customerId },
      {
        headers: {
          "x-merchantid": merchant.merchantId,
          Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}`,
        },
      },
    );
    expect(response.status).toBe(401);
    expect(await storedKeys(merchant, customerId)).toEqual([]);
    await env.CONFIG.delete(`merchant:${merchant.merchantId}`);
  });

  it("creates no customer in a re-created merchant for the old merchant's key that a stale copy still admits", async () => {
    const old = await createMerchant();
    const oldCopy = await env.CONFIG.get(`merchant:${old.merchantId}`);
    expect((await admin("DELETE", `/merchants/${old.merchantId}`)).status).toBe(204);
    const again = await createMerchant(old.merchantId);
    const newCopy = await env.CONFIG.get(`merchant:${old.merchantId}`);
    // Another location still reads the deleted merchant's copy (KV delay): its key, its incarnation.
    await env.CONFIG.put(`merchant:${old.merchantId}`, oldCopy!);
    const customerId = uid("c");
    const withKey = (apiKey: string) =>
      postJson(
        "/customers",
        { object_reference_id: customerId },
        { headers: { "x-merchantid": old.merchantId, Authorization: `Basic ${btoa(`${apiKey}:`)}` } },
      );
    const refused = await withKey(old.apiKey);
    expect(refused.status).toBe(401);
    expect((await json(refused)).error_code).toBe("access_denied");
    // Nothing was written for the new merchant, nor for the old one.
    expect(await storedKeys(again, customerId)).toEqual([]);
    expect(await storedKeys(old, customerId)).toEqual([]);
    // The twin: once the copy is current (and this isolate's cached copy dropped), the new
    // merchant's own key creates the customer.
    await new ConfigStore(env.CONFIG).put(MERCHANTS, old.merchantId, JSON.parse(newCopy!));
    expect((await withKey(again.apiKey)).status).toBe(200);
    expect(await storedKeys(again, customerId)).toEqual(["profile"]);
  });
});

describe("orgs and their users (docs/storage.md#tenant-objects)", () => {
  it("refuses to delete an org with users (the org's object lists them), then deletes it once they are gone", async () => {
    const org = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const email = `${uid("u")}@example.com`;
    expect(
      (await admin("POST", `/orgs/${org.id}/users`, { email, password: "Pw-0123456789ab" })).status,
    ).toBe(201);
    const refused = await admin("DELETE", `/orgs/${org.id}`);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toEqual({
      error: { code: "conflict", message: `Org ${org.id} still has users` },
    });
    expect((await admin("DELETE", `/users/${email}`)).status).toBe(204);
    expect((await admin("DELETE", `/orgs/${org.id}`)).status).toBe(204);
    expect(await env.CONFIG.get(`portal-org:${org.id}`)).toBeNull();
    expect((await admin("GET", `/orgs/${org.id}`)).status).toBe(404);
  });

  it("a re-created user inherits neither the old org, nor the old password, nor its tokens", async () => {
    const first = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const second = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const email = `${uid("u")}@example.com`;
    await admin("POST", `/orgs/${first.id}/users`, { email, password: "Pw-old-0123456789" });
    expect((await login({ email, password: "Pw-old-0123456789" })).status).toBe(200);
    expect((await admin("DELETE", `/users/${email}`)).status).toBe(204);
    const created = await admin("POST", `/orgs/${second.id}/users`, { email, password: "Pw-new-0123456789" });
    expect(created.status).toBe(201);
    expect((await json(await admin("GET", `/users/${email}`))).organizationId).toBe(second.id);
    expect((await login({ email, password: "Pw-old-0123456789" })).status).toBe(401);
    expect((await login({ email, password: "Pw-new-0123456789" })).status).toBe(200);
    // The first org no longer lists the user: it can be deleted.
    expect((await admin("DELETE", `/orgs/${first.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/orgs/${second.id}`)).status).toBe(409);
  });

  it("refuses a second user with one email in another org, and leaves that org's list as it was", async () => {
    const first = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const second = await json(await admin("POST", "/orgs", { name: uid("org") }));
    const email = `${uid("u")}@example.com`;
    expect(
      (await admin("POST", `/orgs/${first.id}/users`, { email, password: "Pw-0123456789ab" })).status,
    ).toBe(201);
    expect(
      (await admin("POST", `/orgs/${second.id}/users`, { email, password: "Pw-0123456789ab" })).status,
    ).toBe(409);
    expect((await admin("DELETE", `/orgs/${second.id}`)).status).toBe(204);
  });
});
