import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { transactionStub } from "../../src/cpr/transaction";
import { portalTokenObject, portalUserObject } from "../../src/portal/sessions";
import { portalTokenHash } from "../../src/portal/token-codec";
import { MAX_FAILURES } from "../../src/portal/user";
import { objectName } from "../../src/shared/ids";
import { hashClientAuthToken } from "../../src/upi/client-auth-token";
import { grantedToken, requestToken, stateOf, tokenBody } from "../cpr/helpers";
import { oauthForm } from "../oauth/support";
import {
  checkSession,
  login,
  provisionOrg,
  provisionUser,
  tokenOf,
  userObjectState,
} from "../portal/support";
import { provisionApp } from "../support/tenants";
import { admin, call, json, uid } from "../support/worker";
import {
  clientTokenBody,
  customerStub,
  processCall,
  provisionMerchant,
  signedBody,
  storedKeys,
} from "../upi/support";
import { basicAuth } from "./fixtures";

/**
 * Races and evictions (issue 9). Already proven by the family suites and not repeated: 50 parallel
 * identities on one CPR transaction (test/cpr/transaction.test.ts), 20 parallel portal refreshes
 * (test/portal/login.test.ts), 20 parallel UPI replays (test/upi/process-signature.test.ts), 50
 * parallel wrong passwords counted exactly (test/portal/lockout.test.ts), parallel org ids
 * (test/portal/admin.test.ts). Each eviction here tears the object down between two steps of a
 * sequence: its durable state must carry the next step as if nothing happened.
 */

const statusesOf = (responses: Response[]) => responses.map((response) => response.status).sort();

describe("eviction mid-sequence loses nothing", () => {
  it("CprTransaction: journey, uniqueId, conflict and revocation epoch survive", async () => {
    const app = await provisionApp();
    const first = await grantedToken(app, { email: "jane@example.com" });
    const stub = transactionStub(env, app.appId, app.incarnation, first.transactionId);
    expect(
      (await oauthForm("revoke", { admin: true }, { token: first.answer.result.authToken.slice(7) })).status,
    ).toBe(200);
    const before = await stateOf(app.appId, first.transactionId);
    await evictDurableObject(stub);
    expect(await stateOf(app.appId, first.transactionId)).toEqual(before);
    const again = await json(
      await requestToken(tokenBody(app, { transactionId: first.transactionId, email: "JANE@example.com" })),
    );
    expect(again.result.metadata.journeyId).toBe(first.answer.result.metadata.journeyId);
    const conflict = await requestToken(
      tokenBody(app, { transactionId: first.transactionId, email: "john@example.com" }),
    );
    expect(conflict.status).toBe(409);
    expect((await stateOf(app.appId, first.transactionId))!.revocationEpoch).toBe(1);
  });

  it("PortalUser: the failure count carries across an eviction and locks at exactly the 10th failure", async () => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    for (let i = 0; i < 4; i++)
      expect((await login({ email: user.email, password: `wrong-${i}` })).status).toBe(401);
    await evictDurableObject(portalUserObject(env, user.email));
    expect((await userObjectState(user.email)).lockout.failures).toHaveLength(4);
    // The object is evicted again while these run: none of them may be lost.
    const parallel = Array.from({ length: MAX_FAILURES - 4 }, (_, i) =>
      login({ email: user.email, password: `w-${i}` }),
    );
    const [responses] = await Promise.all([
      Promise.all(parallel),
      evictDurableObject(portalUserObject(env, user.email)).catch(() => undefined),
    ]);
    expect(statusesOf(responses)).toEqual(Array(MAX_FAILURES - 4).fill(401));
    expect((await login(user)).status).toBe(429);
    // Locked, but the token issued before is still the live one.
    expect((await checkSession(token)).status).toBe(200);
  });

  it("PortalUser and PortalToken: a live token and its reuse survive both objects' eviction", async () => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    await evictDurableObject(portalUserObject(env, user.email));
    await evictDurableObject(portalTokenObject(env, await portalTokenHash(token)));
    expect((await checkSession(token)).status).toBe(200);
    expect(await tokenOf(await login(user))).toBe(token);
  });

  it("UpiCustomer: a redeemed payload stays redeemed, and the same requestId gets the same answer", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const body = await signedBody(merchant, { customerId });
    const first = await json(await processCall(body));
    const keys = await storedKeys(merchant, customerId);
    await evictDurableObject(customerStub(merchant, customerId));
    expect((await processCall({ ...body, requestId: crypto.randomUUID() })).status).toBe(409);
    expect((await json(await processCall(body))).payload.sessionToken).toBe(first.payload.sessionToken);
    expect(await storedKeys(merchant, customerId)).toEqual(keys);
  });

  it("UpiCustomer and UpiClientToken: a client auth token's remaining uses and owner survive", async () => {
    const merchant = await provisionMerchant({ clientAuthTokenMaxUses: 3 });
    const customerId = uid("c");
    const headers = { "x-merchantid": merchant.merchantId, ...basicAuth(merchant.apiKey, "") };
    const created = await call("/customers", {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ object_reference_id: customerId, options: { get_client_auth_token: true } }),
    });
    const token = (await json(created)).juspay.client_auth_token as string;
    const use = () => processCall(clientTokenBody(merchant.merchantId, customerId, token));
    expect((await use()).status).toBe(200);
    await evictDurableObject(customerStub(merchant, customerId));
    const index = env.UPI_CLIENT_TOKENS.getByName(
      objectName("upi-client-token", await hashClientAuthToken(token)),
    );
    await evictDurableObject(index).catch(() => undefined);
    const introspected = await json(await oauthForm("introspect", { admin: true }, { token }));
    expect(introspected).toMatchObject({ active: true, customerId });
    expect(statusesOf(await Promise.all([use(), use(), use()]))).toEqual([200, 200, 401]);
  });

  it("Sequence: ids keep counting after an eviction, never reused", async () => {
    const first = await provisionOrg();
    await evictDurableObject(env.SEQUENCES.getByName(objectName("sequence", "portal-org")));
    const second = await provisionOrg();
    expect(second.id).toBeGreaterThan(first.id);
  });
});

describe("races with exactly one winner", () => {
  it("spends a client auth token exactly as many times as allowed under 12 parallel uses", async () => {
    const merchant = await provisionMerchant({ clientAuthTokenMaxUses: 5 });
    const customerId = uid("c");
    const created = await call("/customers", {
      method: "POST",
      headers: {
        "x-merchantid": merchant.merchantId,
        ...basicAuth(merchant.apiKey, ""),
        "Content-Type": "application/json",
      },
      body: JSON.stringify({ object_reference_id: customerId, options: { get_client_auth_token: true } }),
    });
    const token = (await json(created)).juspay.client_auth_token as string;
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => processCall(clientTokenBody(merchant.merchantId, customerId, token))),
    );
    expect(statusesOf(responses)).toEqual([...Array(5).fill(200), ...Array(7).fill(401)]);
    expect(await json(await oauthForm("introspect", { admin: true }, { token }))).toEqual({ active: false });
  });

  it("creates a customer once under 10 parallel creations of the same id", async () => {
    const merchant = await provisionMerchant();
    const customerId = uid("c");
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        call("/customers", {
          method: "POST",
          headers: {
            "x-merchantid": merchant.merchantId,
            ...basicAuth(merchant.apiKey, ""),
            "Content-Type": "application/json",
          },
          body: JSON.stringify({ object_reference_id: customerId }),
        }),
      ),
    );
    expect(statusesOf(responses)).toEqual([200, ...Array(9).fill(409)]);
    expect((await customerStub(merchant, customerId).profile())?.object_reference_id).toBe(customerId);
  });

  it("moves a transaction's epoch exactly once under 10 parallel revocations of one token", async () => {
    const app = await provisionApp();
    const { answer, transactionId } = await grantedToken(app);
    const token = answer.result.authToken.slice(7);
    await Promise.all(
      Array.from({ length: 10 }, () => oauthForm("revoke", { basic: [app.appId, app.appKey] }, { token })),
    );
    expect(await transactionStub(env, app.appId, app.incarnation, transactionId).revocationEpoch()).toBe(1);
  });

  // KV alone is read-then-write: the app's Tenant object makes exactly one parallel creation the creator.
  it("creates an app once under 10 parallel creations of the same appId, keeping the winner's key", async () => {
    const appId = uid("app");
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        admin("POST", "/apps", { appId, ipAllowlist: ["0.0.0.0/0"], workflows: ["wf"] }),
      ),
    );
    expect(statusesOf(responses)).toEqual([201, ...Array(9).fill(409)]);
    const winner = await json(responses.find((response) => response.status === 201)!);
    const granted = await requestToken(tokenBody({ appId, appKey: winner.appKey, workflowId: "wf" }));
    expect(granted.status).toBe(200);
  });

  it.each([
    ["merchant", () => ({ path: "/merchants", body: { merchantId: uid("m") } })],
    [
      "portal user",
      async () => {
        const org = await json(await admin("POST", "/orgs", { name: uid("org") }));
        return {
          path: `/orgs/${org.id}/users`,
          body: { email: `${uid("u")}@example.com`, password: "Pw-123456" },
        };
      },
    ],
  ])("creates a %s once under 10 parallel creations of the same id", async (_kind, setUp) => {
    const { path, body } = await setUp();
    const responses = await Promise.all(Array.from({ length: 10 }, () => admin("POST", path, body)));
    expect(statusesOf(responses)).toEqual([201, ...Array(9).fill(409)]);
  });

  it("frees an id on deletion, so the same appId can be created again", async () => {
    const appId = uid("app");
    const create = () => admin("POST", "/apps", { appId, ipAllowlist: [], workflows: [] });
    expect((await create()).status).toBe(201);
    expect((await admin("DELETE", `/apps/${appId}`)).status).toBe(204);
    expect((await create()).status).toBe(201);
  });
});
