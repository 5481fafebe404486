import { describe, expect, it } from "vitest";
import { admin, json, uid } from "../support/worker";
import {
  bindDevice,
  DEMO_ACCOUNT,
  processCall,
  provisionMerchant,
  signedBody,
  verifiedSession,
} from "./support";

/**
 * The customer's object keeps a copy of the device binding, linked accounts and session epoch that every
 * session answer reads (bench/README.md). Each change made between two `process` calls to the same, warm
 * object must show in the next answer, exactly as if storage were read every time.
 */
describe("a customer's session answer follows every change of its state", () => {
  it("FRESH, BOUND, LINKED, unbound, bound again, and a new epoch after revoke-sessions", async () => {
    const merchant = await provisionMerchant({ prefix: "ABC" });
    const customerId = uid("c");
    const customer = `/merchants/${merchant.merchantId}/customers/${customerId}`;
    const next = async () => {
      const response = await processCall(await signedBody(merchant, { customerId, mobile: "919876543210" }));
      const answer = await json(response);
      expect(response.status, JSON.stringify(answer)).toBe(200);
      const claims = await verifiedSession(answer.payload.sessionToken, merchant.merchantId);
      return { payload: answer.payload, rev: claims.rev, device: claims.deviceFingerPrint };
    };

    expect(await next()).toMatchObject({ payload: { status: "FRESH" }, rev: 0, device: undefined });

    await bindDevice(merchant.merchantId, customerId, { deviceFingerPrint: "fp-a" });
    expect(await next()).toMatchObject({
      payload: { status: "BOUND", deviceFingerPrint: "fp-a", customerMobileNumber: "91XXXXXX3210" },
      rev: 0,
      device: "fp-a",
    });

    const vpaAccounts = [{ vpa: "jane@demo", accounts: [DEMO_ACCOUNT] }];
    expect((await admin("PUT", `${customer}/vpa-accounts`, vpaAccounts)).status).toBe(200);
    const linked = await next();
    expect(linked.payload).toMatchObject({ status: "LINKED", vpaAccounts });

    expect((await admin("DELETE", `${customer}/device`)).status).toBe(204);
    const unbound = await next();
    expect(unbound).toMatchObject({ payload: { status: "FRESH", deviceFingerPrint: "" }, device: undefined });
    expect(unbound.payload).not.toHaveProperty("vpaAccounts");

    await bindDevice(merchant.merchantId, customerId, { deviceFingerPrint: "fp-b" });
    expect(await next()).toMatchObject({
      payload: { status: "BOUND", deviceFingerPrint: "fp-b" },
      device: "fp-b",
    });

    expect((await admin("POST", `${customer}/revoke-sessions`)).status).toBe(204);
    expect(await next()).toMatchObject({ payload: { status: "BOUND" }, rev: 1, device: "fp-b" });
  });

  // The copy is filled from storage synchronously, so an answer in flight while the device is bound is wholly
  // before or wholly after the bind, and the bind always shows in the next answer. Repeated: a stale copy
  // left by an interleaving would show in some rounds only.
  it("a session answered while the device is bound is consistent, and the next one sees the bind (50 rounds)", async () => {
    const merchant = await provisionMerchant();
    for (let round = 0; round < 50; round++) {
      const customerId = uid("race");
      const body = async () => signedBody(merchant, { customerId, mobile: "919876543210" });
      const [raced] = await Promise.all([
        processCall(await body()),
        bindDevice(merchant.merchantId, customerId, { deviceFingerPrint: `fp-${round}` }),
      ]);
      const answer = await json(raced);
      expect(raced.status, JSON.stringify(answer)).toBe(200);
      const claims = await verifiedSession(answer.payload.sessionToken, merchant.merchantId);
      if (answer.payload.status === "BOUND") {
        expect([answer.payload.deviceFingerPrint, claims.deviceFingerPrint]).toEqual([
          `fp-${round}`,
          `fp-${round}`,
        ]);
      } else {
        expect(answer.payload).toMatchObject({ status: "FRESH", deviceFingerPrint: "" });
        expect(claims.deviceFingerPrint).toBeUndefined();
      }
      const after = await json(await processCall(await body()));
      expect(after.payload).toMatchObject({ status: "BOUND", deviceFingerPrint: `fp-${round}` });
    }
  });
});
