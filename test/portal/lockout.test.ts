import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { portalUserObject } from "../../src/portal/sessions";
import { FAILURE_WINDOW_MS, MAX_FAILURES, type PortalUser } from "../../src/portal/user";
import { admin, json, uid } from "../support/worker";
import { INVALID_CREDENTIALS, login, provisionUser, userObjectState } from "./support";

const LOCKED = { error: "Too many failed attempts, try again later" };

async function failTimes(email: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await login({ email, password: `wrong-${i}` })).status);
  return statuses;
}

/** Calls the user's object directly with an injected clock (a refused attempt: no password accepted). */
function refusedAttemptAt(email: string, now: number) {
  return runInDurableObject(portalUserObject(env, email), (instance: PortalUser) =>
    instance.login({ email, now, refresh: false }),
  );
}

describe("/api_auth lockout (docs/portal.md#lockout)", () => {
  it("answers the 10th failure with 401 and then 429 with Retry-After even for the right password", async () => {
    const user = await provisionUser();
    expect(await failTimes(user.email, MAX_FAILURES)).toEqual(Array(10).fill(401));
    const response = await login(user);
    expect(response.status).toBe(429);
    expect(await json(response)).toEqual(LOCKED);
    const retryAfter = Number(response.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(FAILURE_WINDOW_MS / 1000);
    expect((await userObjectState(user.email)).sessions).toBeUndefined();
  });

  it("lets the 9th failure be followed by a successful login that resets the count", async () => {
    const user = await provisionUser();
    expect(await failTimes(user.email, MAX_FAILURES - 1)).toEqual(Array(9).fill(401));
    expect((await login(user)).status).toBe(200);
    expect((await userObjectState(user.email)).lockout).toBeUndefined();
    expect(await failTimes(user.email, MAX_FAILURES - 1)).toEqual(Array(9).fill(401));
    expect((await login(user)).status).toBe(200);
  });

  it("locks unknown emails the same way, so lockout reveals nothing", async () => {
    const email = `${uid("nobody")}@example.com`;
    expect(await failTimes(email, MAX_FAILURES)).toEqual(Array(10).fill(401));
    const response = await login({ email, password: "anything" });
    expect(response.status).toBe(429);
    expect(await json(response)).toEqual(LOCKED);
  });

  it("counts 50 parallel wrong passwords exactly: 10 answers 401, the other 40 answer 429", async () => {
    const user = await provisionUser();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login({ email: user.email, password: `wrong-${i}` })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    const bodies = await Promise.all(responses.map(json));
    expect(new Set(bodies.map((body) => JSON.stringify(body)))).toEqual(
      new Set([JSON.stringify(INVALID_CREDENTIALS), JSON.stringify(LOCKED)]),
    );
    expect((await userObjectState(user.email)).lockout).toEqual({
      failures: [],
      lockedUntil: expect.any(Number),
    });
  });

  it("is lifted by the admin unlock, after which the right password works", async () => {
    const user = await provisionUser();
    await failTimes(user.email, MAX_FAILURES);
    expect((await login(user)).status).toBe(429);
    const unlocked = await admin("POST", `/users/${user.email}/unlock`);
    expect(unlocked.status).toBe(204);
    expect((await userObjectState(user.email)).lockout).toBeUndefined();
    expect((await login(user)).status).toBe(200);
  });

  it("refuses to unlock a user that does not exist", async () => {
    const response = await admin("POST", `/users/${uid("nobody")}@example.com/unlock`);
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe("not_found");
  });

  it("holds the lock for the whole window and lifts it once the window has passed", async () => {
    const email = `${uid("clock")}@example.com`;
    const start = Date.now();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await refusedAttemptAt(email, start + i)).toEqual({
        ok: false,
        reason: { code: "invalid_credentials" },
      });
    }
    const lockedAt = start + MAX_FAILURES - 1;
    expect(await refusedAttemptAt(email, lockedAt + FAILURE_WINDOW_MS - 1)).toEqual({
      ok: false,
      reason: { code: "locked", retryAfterSeconds: 1 },
    });
    expect(await refusedAttemptAt(email, lockedAt + FAILURE_WINDOW_MS)).toEqual({
      ok: false,
      reason: { code: "invalid_credentials" },
    });
    expect((await userObjectState(email)).lockout).toEqual({ failures: [lockedAt + FAILURE_WINDOW_MS] });
  });

  it("forgets failures older than 15 minutes (a sliding window)", async () => {
    const email = `${uid("slide")}@example.com`;
    const start = Date.now();
    for (let i = 0; i < MAX_FAILURES - 1; i++) await refusedAttemptAt(email, start);
    // The 10th failure comes just after the first nine left the window: no lock.
    expect(await refusedAttemptAt(email, start + FAILURE_WINDOW_MS)).toEqual({
      ok: false,
      reason: { code: "invalid_credentials" },
    });
    expect((await userObjectState(email)).lockout).toEqual({ failures: [start + FAILURE_WINDOW_MS] });
    // Just inside the window instead, the 10th failure locks.
    const other = `${uid("slide")}@example.com`;
    for (let i = 0; i < MAX_FAILURES - 1; i++) await refusedAttemptAt(other, start);
    await refusedAttemptAt(other, start + FAILURE_WINDOW_MS - 1);
    expect((await userObjectState(other)).lockout.lockedUntil).toBe(start + 2 * FAILURE_WINDOW_MS - 1);
  });

  it.each([
    ["an unknown email's object entirely", false, []],
    ["only the failures of a known user", true, ["credentialVersion"]],
  ])("clears expired failures by alarm: %s", async (_label, known, keysLeft) => {
    const email = known ? (await provisionUser()).email : `${uid("gone")}@example.com`;
    const stub = portalUserObject(env, email);
    await runInDurableObject(stub, async (_instance, state) => {
      state.storage.kv.put("lockout", { failures: [Date.now() - FAILURE_WINDOW_MS - 1] });
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const keys = await runInDurableObject(stub, (_instance, state) =>
      [...state.storage.kv.list()].map(([key]) => key),
    );
    expect(keys).toEqual(keysLeft);
  });

  it("keeps failures still inside the window when the alarm runs early, and reschedules", async () => {
    const email = `${uid("kept")}@example.com`;
    await login({ email, password: "wrong" });
    const stub = portalUserObject(env, email);
    const { lockout } = await userObjectState(email);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await userObjectState(email)).lockout).toEqual(lockout);
    const alarm = await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBe(lockout.failures[0] + FAILURE_WINDOW_MS);
  });
});
