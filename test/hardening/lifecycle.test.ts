import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { objectName } from "../../src/shared/ids";
import { customerApiError } from "../../src/upi/errors";
import {
  CONFLICT,
  grantedToken,
  requestToken,
  stateOf,
  tokenBody,
  UNAUTHORIZED,
  UNIQUE_ID,
} from "../cpr/helpers";
import { oauthForm } from "../oauth/support";
import { incarnationOf, type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, json, postJson, TEST_IP, uid } from "../support/worker";
import {
  bindDevice,
  clientTokenBody,
  customerApiCall,
  customerStub,
  failure,
  type ProvisionedMerchant,
  processCall,
  provisionMerchant,
  registerKey,
  signedBody,
} from "../upi/support";

/**
 * docs/storage.md#incarnations, the hot-path half: deleting a tenant ends its tokens at once where the delete
 * ran, and creating the same id again makes a tenant that inherits nothing — no live token, no
 * transaction, no customer. Tenants are deleted and created through the admin API, tokens used
 * through the Worker's routes.
 */

const jwtOf = (authorization: string) => authorization.slice("Bearer ".length);
const INACTIVE = { active: false };
const ACTION = "upiGetSessionToken";

async function introspect(auth: Parameters<typeof oauthForm>[1], token: string) {
  const response = await oauthForm("introspect", auth, { token });
  expect(response.status).toBe(200);
  return json(response);
}

async function deleteTenant(path: string): Promise<void> {
  expect((await admin("DELETE", path)).status).toBe(204);
}

/** The incarnation of an id created again: a fresh one, never the deleted tenant's. */
async function newIncarnation(kind: "app" | "merchant", id: string, deleted: string): Promise<string> {
  const incarnation = await incarnationOf(kind, id);
  expect(incarnation).toMatch(/^[0-9a-f]{32}$/);
  expect(incarnation).not.toBe(deleted);
  return incarnation;
}

/** Creates the (deleted) app's id again, with the same workflow and allowlist. */
async function createAppAgain(app: ProvisionedApp): Promise<ProvisionedApp> {
  const created = await admin("POST", "/apps", {
    appId: app.appId,
    ipAllowlist: [TEST_IP],
    workflows: [app.workflowId],
  });
  expect(created.status).toBe(201);
  const again: ProvisionedApp = {
    appId: app.appId,
    appKey: (await json(created)).appKey,
    workflowId: app.workflowId,
    incarnation: await newIncarnation("app", app.appId, app.incarnation),
  };
  return again;
}

/** Deletes the app and creates its id again. */
async function recreateApp(app: ProvisionedApp): Promise<ProvisionedApp> {
  await deleteTenant(`/apps/${app.appId}`);
  return createAppAgain(app);
}

function uniqueIdCall(authorization: string, body: Record<string, unknown>) {
  return postJson(UNIQUE_ID, body, { headers: { Authorization: authorization } });
}

describe("an app deleted and created again (docs/storage.md#incarnations)", () => {
  it("gives the new app no live old token: inactive to the admin and to the new app's credentials", async () => {
    const old = await provisionApp();
    const token = jwtOf((await grantedToken(old)).answer.result.authToken);
    expect((await introspect({ admin: true }, token)).active).toBe(true);

    const again = await recreateApp(old);
    expect(await introspect({ admin: true }, token)).toEqual(INACTIVE);
    expect(await introspect({ basic: [again.appId, again.appKey] }, token)).toEqual(INACTIVE);
    // The twin: the new app's own token is live for both.
    const fresh = jwtOf((await grantedToken(again)).answer.result.authToken);
    expect((await introspect({ admin: true }, fresh)).active).toBe(true);
    expect((await introspect({ basic: [again.appId, again.appKey] }, fresh)).active).toBe(true);
  });

  it("lets the new app revoke nothing with an old token (200, RFC 7009), not even the same transactionId", async () => {
    const old = await provisionApp();
    const first = await grantedToken(old);
    const again = await recreateApp(old);
    const current = await grantedToken(again, { transactionId: first.transactionId });

    for (const auth of [
      { basic: [again.appId, again.appKey] as [string, string] },
      { admin: true as const },
    ]) {
      const revoked = await oauthForm("revoke", auth, { token: jwtOf(first.answer.result.authToken) });
      expect(revoked.status).toBe(200);
    }
    expect((await stateOf(again.appId, first.transactionId))!.revocationEpoch).toBe(0);
    expect((await stateOf(old.appId, first.transactionId, old.incarnation))!.revocationEpoch).toBe(0);
    const currentToken = jwtOf(current.answer.result.authToken);
    expect((await introspect({ admin: true }, currentToken)).active).toBe(true);
    // The twin: the new app's own token of that transaction is revoked by the same call.
    expect(
      (await oauthForm("revoke", { basic: [again.appId, again.appKey] }, { token: currentToken })).status,
    ).toBe(200);
    expect(await introspect({ admin: true }, currentToken)).toEqual(INACTIVE);
    expect((await stateOf(again.appId, first.transactionId))!.revocationEpoch).toBe(1);
  });

  it("refuses an old token as the bearer on /v2/generate-unique-id, touching no transaction", async () => {
    const old = await provisionApp();
    const first = await grantedToken(old);
    const again = await recreateApp(old);
    const body = {
      transactionId: first.transactionId,
      workflowId: again.workflowId,
      email: "jane@example.com",
    };

    const refused = await uniqueIdCall(first.answer.result.authToken, body);
    expect(refused.status).toBe(401);
    expect(await json(refused)).toEqual(UNAUTHORIZED);
    expect(await stateOf(again.appId, first.transactionId)).toBeUndefined();
    expect((await stateOf(old.appId, first.transactionId, old.incarnation))!.uniqueId).toBeUndefined();
    // The twin: the new app's own token authenticates the same request.
    const current = await grantedToken(again, { transactionId: first.transactionId });
    const accepted = await uniqueIdCall(current.answer.result.authToken, body);
    expect(accepted.status).toBe(200);
  });

  it("gives the new app no 409 from an old transaction's uniqueId, and a new journey for the same transactionId", async () => {
    const old = await provisionApp();
    const first = await grantedToken(old, { email: "jane@example.com" });
    const transactionId = first.transactionId;
    const onlyOld = (await grantedToken(old)).transactionId;
    expect((await admin("POST", `/apps/${old.appId}/transactions/${transactionId}/revoke`)).status).toBe(200);
    // The twin: before the delete, the same transaction refuses another person.
    const conflict = await requestToken(tokenBody(old, { transactionId, email: "john@example.com" }));
    expect(conflict.status).toBe(409);
    expect(await json(conflict)).toEqual(CONFLICT);

    const again = await recreateApp(old);
    const second = await grantedToken(again, { transactionId, email: "john@example.com" });
    expect(second.claims.uniqueId).toMatch(/^[0-9a-f]{32}$/);
    expect(second.claims.uniqueId).not.toBe(first.claims.uniqueId);
    expect(second.answer.result.metadata.journeyId).not.toBe(first.answer.result.metadata.journeyId);
    expect(second.claims).toMatchObject({ rev: 0, inc: again.incarnation });
    expect(await stateOf(again.appId, transactionId)).toMatchObject({
      journeyId: second.answer.result.metadata.journeyId,
      uniqueId: second.claims.uniqueId,
      revocationEpoch: 0,
    });
    // The old incarnation's state is untouched, and out of the new app's reach (admin revoke: 404).
    expect(await stateOf(old.appId, transactionId, old.incarnation)).toMatchObject({
      journeyId: first.answer.result.metadata.journeyId,
      uniqueId: first.claims.uniqueId,
      revocationEpoch: 1,
    });
    const revoked = await admin("POST", `/apps/${again.appId}/transactions/${onlyOld}/revoke`);
    expect(revoked.status).toBe(404);
    expect((await stateOf(old.appId, onlyOld, old.incarnation))!.revocationEpoch).toBe(0);
  });

  it("ends a deleted app's tokens at once where the delete ran: introspection, bearer use, Basic credentials", async () => {
    const app = await provisionApp();
    const granted = await grantedToken(app);
    const token = jwtOf(granted.answer.result.authToken);
    // Read once before the delete, so the isolate caches the app record the delete must evict.
    expect((await introspect({ basic: [app.appId, app.appKey] }, token)).active).toBe(true);

    await deleteTenant(`/apps/${app.appId}`);
    expect(await introspect({ admin: true }, token)).toEqual(INACTIVE);
    const bearer = await uniqueIdCall(granted.answer.result.authToken, {
      transactionId: granted.transactionId,
      workflowId: app.workflowId,
      email: "jane@example.com",
    });
    expect(bearer.status).toBe(401);
    expect(await json(bearer)).toEqual(UNAUTHORIZED);
    expect((await oauthForm("introspect", { basic: [app.appId, app.appKey] }, { token })).status).toBe(401);
  });

  it("leaves no token live that was issued before or while the app was deleted", async () => {
    const app = await provisionApp();
    const before = await Promise.all([grantedToken(app), grantedToken(app)]);
    const racing = Array.from({ length: 12 }, () => requestToken(tokenBody(app)));
    const deleted = admin("DELETE", `/apps/${app.appId}`);
    const responses = await Promise.all(racing);
    expect((await deleted).status).toBe(204);

    const issued = [...before.map((granted) => granted.answer)];
    for (const response of responses) {
      expect([200, 401]).toContain(response.status);
      if (response.status === 200) issued.push(await json(response));
    }
    for (const answer of issued) {
      expect(await introspect({ admin: true }, jwtOf(answer.result.authToken))).toEqual(INACTIVE);
    }
    const again = await createAppAgain(app);
    for (const answer of issued) {
      expect(await introspect({ admin: true }, jwtOf(answer.result.authToken))).toEqual(INACTIVE);
      expect(
        await introspect({ basic: [again.appId, again.appKey] }, jwtOf(answer.result.authToken)),
      ).toEqual(INACTIVE);
    }
  });
});

describe("an app record from before incarnations (legacy)", () => {
  it("keeps its transaction objects under their old names, and its tokens live", async () => {
    const app = await provisionApp();
    const key = `app:${app.appId}`;
    const { incarnation: _dropped, ...legacy } = JSON.parse((await env.CONFIG.get(key, "text"))!);
    await env.CONFIG.put(key, JSON.stringify(legacy));

    const granted = await grantedToken(app, { email: "jane@example.com" });
    expect(granted.claims.inc).toBe("");
    const legacyObject = env.CPR_TRANSACTIONS.getByName(
      objectName("cpr-transaction", app.appId, granted.transactionId),
    );
    const state = await runInDurableObject(legacyObject, (_instance, storage) =>
      storage.storage.kv.get("state"),
    );
    expect(state).toMatchObject({ uniqueId: granted.claims.uniqueId, revocationEpoch: 0 });
    expect((await introspect({ admin: true }, jwtOf(granted.answer.result.authToken))).active).toBe(true);
  });
});

/** Creates the (deleted) merchant's id again, with a fresh signing key. */
async function createMerchantAgain(merchant: ProvisionedMerchant): Promise<ProvisionedMerchant> {
  const created = await admin("POST", "/merchants", { merchantId: merchant.merchantId });
  expect(created.status).toBe(201);
  const again: ProvisionedMerchant = {
    merchantId: merchant.merchantId,
    apiKey: (await json(created)).apiKey,
    key: await registerKey(merchant.merchantId),
    incarnation: await newIncarnation("merchant", merchant.merchantId, merchant.incarnation),
  };
  return again;
}

/** Deletes the merchant and creates its id again. */
async function recreateMerchant(merchant: ProvisionedMerchant): Promise<ProvisionedMerchant> {
  await deleteTenant(`/merchants/${merchant.merchantId}`);
  return createMerchantAgain(merchant);
}

/** Creates the customer and returns a fresh client auth token for it. */
async function customerWithToken(merchant: ProvisionedMerchant, customerId: string): Promise<string> {
  const response = await customerApiCall(merchant, "/customers", {
    form: {
      object_reference_id: customerId,
      mobile_number: "9876543210",
      "options.get_client_auth_token": "true",
    },
  });
  expect(response.status).toBe(200);
  return (await json(response)).juspay.client_auth_token;
}

/** Process refuses the client auth token for the merchant's customer: 401 UNAUTHORIZED, the seed's envelope. */
async function expectClientTokenRefused(
  merchantId: string,
  customerId: string,
  token: string,
): Promise<void> {
  const body = clientTokenBody(merchantId, customerId, token);
  const refused = await processCall(body);
  expect(refused.status).toBe(401);
  expect(await json(refused)).toEqual(
    failure(
      body.requestId,
      "UNAUTHORIZED",
      "clientAuthToken is not valid for this merchant and customer",
      ACTION,
    ),
  );
}

async function sessionBySignature(merchant: ProvisionedMerchant, customerId: string) {
  const response = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
  expect(response.status).toBe(200);
  return (await json(response)).payload;
}

describe("a merchant deleted and created again (docs/storage.md#incarnations)", () => {
  it("does not find the old merchant's customer, device binding or accounts", async () => {
    const old = await provisionMerchant();
    const customerId = uid("c");
    await customerWithToken(old, customerId);
    await bindDevice(old.merchantId, customerId);
    expect((await sessionBySignature(old, customerId)).status).toBe("BOUND");
    expect((await customerApiCall(old, `/customers/${customerId}`)).status).toBe(200);

    const again = await recreateMerchant(old);
    const lookup = await customerApiCall(again, `/customers/${customerId}`);
    expect(lookup.status).toBe(404);
    expect(await json(lookup)).toEqual(customerApiError({ code: "customer_not_found" }).body);
    expect(await json(await admin("GET", `/merchants/${again.merchantId}/customers/${customerId}`))).toEqual({
      merchantId: again.merchantId,
      customerId,
      profile: null,
      device: null,
      vpaAccounts: [],
      sessionEpoch: 0,
    });
    expect(await sessionBySignature(again, customerId)).toMatchObject({
      status: "FRESH",
      isDeviceBound: "false",
      customerMobileNumber: "",
    });
    // The old incarnation's object still holds its state, out of every route's reach.
    expect(
      await runInDurableObject(customerStub(old, customerId), (_instance, state) =>
        state.storage.kv.get("device"),
      ),
    ).toBeDefined();
  });

  it("refuses an old client auth token in process (UNAUTHORIZED) and reports it inactive", async () => {
    const old = await provisionMerchant();
    const customerId = uid("c");
    const oldToken = await customerWithToken(old, customerId);
    const again = await recreateMerchant(old);
    const newToken = await customerWithToken(again, customerId);

    await expectClientTokenRefused(again.merchantId, customerId, oldToken);
    expect(await introspect({ admin: true }, oldToken)).toEqual(INACTIVE);
    expect(await introspect({ basic: [again.merchantId, again.apiKey] }, oldToken)).toEqual(INACTIVE);
    // The twin: the new merchant's token for the same customer works and is live.
    expect((await introspect({ basic: [again.merchantId, again.apiKey] }, newToken)).active).toBe(true);
    expect((await processCall(clientTokenBody(again.merchantId, customerId, newToken))).status).toBe(200);
  });

  it("reports an old session token inactive, and the new merchant's revocation of it ends nothing", async () => {
    const old = await provisionMerchant();
    const customerId = uid("c");
    const oldSession = (await sessionBySignature(old, customerId)).sessionToken;
    const again = await recreateMerchant(old);
    const newSession = (await sessionBySignature(again, customerId)).sessionToken;

    expect(await introspect({ admin: true }, oldSession)).toEqual(INACTIVE);
    expect(await introspect({ basic: [again.merchantId, again.apiKey] }, oldSession)).toEqual(INACTIVE);
    expect(
      (await oauthForm("revoke", { basic: [again.merchantId, again.apiKey] }, { token: oldSession })).status,
    ).toBe(200);
    expect(await customerStub(old, customerId).sessionEpoch()).toBe(0);
    expect(await customerStub(again, customerId).sessionEpoch()).toBe(0);
    // The twin: the new session is live, and stays so.
    expect((await introspect({ basic: [again.merchantId, again.apiKey] }, newSession)).active).toBe(true);
  });

  // Merchant delete finds keys with a KV list, which may miss a recent one: the key must not verify anyway.
  it("does not verify a signature with a key the old merchant registered, even if its record survived", async () => {
    const old = await provisionMerchant();
    const keyRecord = `merchant-key:${old.merchantId}/${old.key.merchantKeyId}`;
    const survivor = (await env.CONFIG.get(keyRecord, "text"))!;
    const again = await recreateMerchant(old);
    await env.CONFIG.put(keyRecord, survivor);

    const body = await signedBody(again, { key: old.key, customerId: uid("c") });
    const refused = await processCall(body);
    expect(refused.status).toBe(401);
    expect(await json(refused)).toEqual(
      failure(body.requestId, "UNAUTHORIZED", "Signature verification failed", ACTION),
    );
    // The twin: the new merchant's own key verifies.
    expect((await processCall(await signedBody(again, { customerId: uid("c") }))).status).toBe(200);
  });

  it("ends a deleted merchant's tokens at once where the delete ran", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const clientToken = await customerWithToken(merchant, customerId);
    const session = (await sessionBySignature(merchant, customerId)).sessionToken;
    expect((await introspect({ basic: [merchant.merchantId, merchant.apiKey] }, session)).active).toBe(true);

    await deleteTenant(`/merchants/${merchant.merchantId}`);
    expect(await introspect({ admin: true }, session)).toEqual(INACTIVE);
    expect(await introspect({ admin: true }, clientToken)).toEqual(INACTIVE);
    await expectClientTokenRefused(merchant.merchantId, customerId, clientToken);
  });

  it("leaves no client auth token live that was issued before or while the merchant was deleted", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const before = await customerWithToken(merchant, customerId);
    const racing = Array.from({ length: 12 }, () =>
      customerApiCall(merchant, `/customers/${customerId}?options.get_client_auth_token=true`),
    );
    const deleted = admin("DELETE", `/merchants/${merchant.merchantId}`);
    const responses = await Promise.all(racing);
    expect((await deleted).status).toBe(204);

    const issued = [before];
    for (const response of responses) {
      expect([200, 401]).toContain(response.status);
      if (response.status === 200) issued.push((await json(response)).juspay.client_auth_token);
    }
    const again = await createMerchantAgain(merchant);
    await customerWithToken(again, customerId);
    for (const token of issued) {
      expect(await introspect({ admin: true }, token)).toEqual(INACTIVE);
      const body = clientTokenBody(again.merchantId, customerId, token);
      expect((await processCall(body)).status).toBe(401);
    }
  });
});
