import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_FAILURES } from "../../src/portal/user";
import {
  recallVerified,
  rememberVerified,
  VERIFIED_LOGIN_TTL_MS,
  verifiedAgainst,
} from "../../src/portal/verified-logins";
import type { PortalUserRecord } from "../../src/shared/config-records";
import { admin, json } from "../support/worker";
import { INVALID_CREDENTIALS, login, provisionUser, tokenOf } from "./support";

/** Counts the PBKDF2 derivations the Worker runs (it shares this isolate's `crypto.subtle`). */
function countDerivations() {
  const deriveBits = vi.spyOn(crypto.subtle, "deriveBits");
  return () =>
    deriveBits.mock.calls.filter(([algorithm]) => (algorithm as { name?: string }).name === "PBKDF2").length;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("verified logins (docs/portal.md#verified-logins)", () => {
  it("spares a repeated successful login the PBKDF2 work, and hands back the same live token", async () => {
    const user = await provisionUser();
    const derivations = countDerivations();
    const first = await tokenOf(await login(user));
    expect(derivations()).toBe(1);
    const again = await tokenOf(await login(user));
    expect(again).toBe(first);
    expect(derivations()).toBe(1);
  });

  it("pays PBKDF2 for a wrong password after a success, refuses it and counts the failure", async () => {
    const user = await provisionUser();
    await tokenOf(await login(user));
    const derivations = countDerivations();
    const wrong = await login({ email: user.email, password: `${user.password}x` });
    expect(wrong.status).toBe(401);
    expect(await json(wrong)).toEqual(INVALID_CREDENTIALS);
    expect(derivations()).toBe(1);
  });

  it("pays PBKDF2 for an unknown email, as for any other", async () => {
    const derivations = countDerivations();
    expect((await login({ email: "nobody-here@example.com", password: "Payu@1234" })).status).toBe(401);
    expect(derivations()).toBe(1);
  });

  it("forgets the password once it changes: the old one is refused, the new one verified afresh", async () => {
    const user = await provisionUser();
    await tokenOf(await login(user));
    expect((await admin("PATCH", `/users/${user.email}`, { password: "Changed@1234" })).status).toBe(200);
    const derivations = countDerivations();
    const old = await login(user);
    expect(old.status).toBe(401);
    expect(await json(old)).toEqual(INVALID_CREDENTIALS);
    expect((await login({ email: user.email, password: "Changed@1234" })).status).toBe(200);
    expect(derivations()).toBe(2);
  });

  it("refuses a disabled user whose password was verified before", async () => {
    const user = await provisionUser();
    await tokenOf(await login(user));
    expect((await admin("PATCH", `/users/${user.email}`, { disabled: true })).status).toBe(200);
    const derivations = countDerivations();
    const refused = await login(user);
    expect(refused.status).toBe(401);
    expect(await json(refused)).toEqual(INVALID_CREDENTIALS);
    // A disable is a new credential version: the remembered pair no longer spares the PBKDF2 work.
    expect(derivations()).toBe(1);
  });

  it("still locks the email: the remembered right password answers 429 while locked", async () => {
    const user = await provisionUser();
    await tokenOf(await login(user));
    for (let attempt = 0; attempt < MAX_FAILURES; attempt++) {
      expect((await login({ email: user.email, password: "wrong-password" })).status).toBe(401);
    }
    const locked = await login(user);
    expect(locked.status).toBe(429);
    expect(await json(locked)).toEqual({ error: "Too many failed attempts, try again later" });
    expect(Number(locked.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("remembers exactly the record and password that succeeded, for a limited time", async () => {
    const record: PortalUserRecord = {
      email: "remembered@example.com",
      organizationId: 1,
      passwordHash: "pbkdf2-sha256$100000$c2FsdA==$aGFzaA==",
      disabled: false,
      credentialVersion: 3,
      createdAt: "2026-11-30T00:00:00.000Z",
      updatedAt: "2026-11-30T00:00:00.000Z",
    };
    const now = Date.parse("2026-11-30T10:00:00Z");
    expect(await recallVerified(record.email, "Payu@1234", now)).toBeUndefined();
    await rememberVerified(record, "Payu@1234", now);
    const recalled = await recallVerified(record.email, "Payu@1234", now + 1);
    expect(verifiedAgainst(recalled, record)).toBe(true);
    expect(await recallVerified(record.email, "Payu@12345", now + 1)).toBeUndefined();
    expect(await recallVerified("other@example.com", "Payu@1234", now + 1)).toBeUndefined();
    expect(verifiedAgainst(recalled, { ...record, credentialVersion: 4 })).toBe(false);
    expect(verifiedAgainst(recalled, { ...record, passwordHash: `${record.passwordHash}x` })).toBe(false);
    expect(verifiedAgainst(recalled, undefined)).toBe(false);
    expect(await recallVerified(record.email, "Payu@1234", now + VERIFIED_LOGIN_TTL_MS)).toBeUndefined();
    // Expired entries are dropped, not renewed by asking.
    expect(await recallVerified(record.email, "Payu@1234", now + 1)).toBeUndefined();
  });
});
