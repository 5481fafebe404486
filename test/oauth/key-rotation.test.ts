import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_EXPIRY_SECONDS } from "../../src/cpr/limits";
import worker from "../../src/index";
import { issueJwt, verifyJwt } from "../../src/shared/jwt";
import {
  forgetSigningKeyRing,
  reloadSigningKeyRing,
  revokeSigningKey,
  rotateSigningKeys,
} from "../../src/shared/signing-key-ring";
import { rotateOnSchedule } from "../../src/shared/signing-key-schedule";
import {
  LONGEST_TOKEN_MS,
  PUBLISH_BEFORE_SIGNING_MS,
  RETIRED_KEY_RETENTION_MS,
  RING_CACHE_MS,
} from "../../src/shared/signing-key-store";
import { JWKS_MAX_AGE_SECONDS, JWKS_STALE_SECONDS, type KeyRing } from "../../src/shared/signing-keys";
import { SESSION_TOKEN_LIFETIME_SECONDS } from "../../src/upi/session-token";
import { privateJwk, signingKeysSecret } from "../shared/test-keys";
import { envWithOwnKeyStore, storeOf } from "../support/signing-key-store";
import { BASE_URL, TEST_IP } from "../support/worker";

// A key's whole life on an injected clock (docs/operations.md#rotate-now): imported, published as next,
// rotated in, retired, removed; revoked. At every step the served JWKS and a verifier that only knows it
// agree with the ring the Worker signs and verifies with.

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ISSUER = "https://issuer.test";

afterEach(() => forgetSigningKeyRing());

/** The JWKS the Worker serves for this store, read fresh (this isolate's ring dropped first). */
async function servedJwks(testEnv: Env): Promise<JSONWebKeySet> {
  forgetSigningKeyRing();
  const response = await worker.fetch(
    new Request(`${BASE_URL}/.well-known/jwks.json`, { headers: { "CF-Connecting-IP": TEST_IP } }),
    testEnv,
  );
  expect(response.status).toBe(200);
  return response.json();
}

const kidsOf = (jwks: JSONWebKeySet) => jwks.keys.map((key) => key.kid);

async function ringAt(testEnv: Env, now: number): Promise<KeyRing> {
  return reloadSigningKeyRing(testEnv, now);
}

async function sign(ring: KeyRing, now: number, lifetimeSeconds = MAX_EXPIRY_SECONDS) {
  const { jwt } = await issueJwt(ring, {
    typ: "cpr+jwt",
    issuer: ISSUER,
    audience: "app",
    subject: "txn",
    lifetimeSeconds,
    now,
    claims: {},
  });
  return jwt;
}

/** Does a verifier holding only the served JWKS accept the token at `now`? And the Worker's ring? */
async function verifiesAt(testEnv: Env, jwt: string, now: number): Promise<[boolean, boolean]> {
  const jwks = await servedJwks(testEnv);
  const outside = await jwtVerify(jwt, createLocalJWKSet(jwks), {
    issuer: ISSUER,
    currentDate: new Date(now),
  }).then(
    () => true,
    () => false,
  );
  const inside = await verifyJwt(await ringAt(testEnv, now), jwt, { typ: "cpr+jwt", issuer: ISSUER, now });
  return [outside, inside.ok];
}

async function eventTypes(testEnv: Env): Promise<string[]> {
  const { events } = await storeOf(testEnv).events(100);
  return events.map((event) => `${event.type}:${event.kid}`).reverse();
}

describe("timing rules", () => {
  it("a key signs only after the JWKS max-age, its stale window and the ring cache have passed", () => {
    expect(PUBLISH_BEFORE_SIGNING_MS).toBe(
      (JWKS_MAX_AGE_SECONDS + JWKS_STALE_SECONDS) * 1000 + RING_CACHE_MS,
    );
  });

  it("a retired key outlives the longest token of either kind signed by an isolate's last cached ring", () => {
    expect(LONGEST_TOKEN_MS).toBe(MAX_EXPIRY_SECONDS * 1000);
    expect(LONGEST_TOKEN_MS).toBeGreaterThanOrEqual(SESSION_TOKEN_LIFETIME_SECONDS * 1000);
    expect(RETIRED_KEY_RETENTION_MS).toBe(LONGEST_TOKEN_MS + RING_CACHE_MS);
  });
});

describe("a signing key's life", () => {
  it("import → next published → too early → rotated in → retired → removed, verifying at every step", async () => {
    const [mine, older] = await Promise.all([privateJwk("ES256", "k-mine"), privateJwk("RS256", "k-older")]);
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: signingKeysSecret(mine, older) });
    const t0 = Date.now();

    // Import: the first key signs at once (it signs today), the rest are retired, a next is made.
    const ring0 = await ringAt(testEnv, t0);
    expect(ring0.active.kid).toBe("k-mine");
    const [importedActive, next1, importedRetired] = kidsOf(await servedJwks(testEnv));
    expect([importedActive, importedRetired]).toEqual(["k-mine", "k-older"]);
    expect(next1).toMatch(/^\d{4}-\d{2}-\d{2}-[0-9a-f]{12}$/);
    const byMine = await sign(ring0, t0);
    const byOlder = await new SignJWT({ sub: "txn", aud: "app" })
      .setProtectedHeader({ alg: "RS256", kid: "k-older", typ: "cpr+jwt" })
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(t0 / 1000))
      .setExpirationTime(Math.floor(t0 / 1000) + 3600)
      .sign(await importJWK(older, "RS256"));
    expect(await verifiesAt(testEnv, byMine, t0)).toEqual([true, true]);
    expect(await verifiesAt(testEnv, byOlder, t0)).toEqual([true, true]);

    // Schedule: next has not been published long enough; an unforced rotation is refused.
    const early = await rotateSigningKeys(
      testEnv,
      { trigger: "admin", force: false },
      t0 + PUBLISH_BEFORE_SIGNING_MS - 1,
    );
    expect(early).toEqual({
      ok: false,
      reason: { code: "too_early", signsFrom: t0 + PUBLISH_BEFORE_SIGNING_MS },
    });
    expect((await ringAt(testEnv, t0 + 5 * MINUTE)).active.kid).toBe("k-mine");

    // Rotate: next signs, the active key is retired and stays published, a new next appears.
    const t1 = t0 + PUBLISH_BEFORE_SIGNING_MS;
    const rotated = await rotateSigningKeys(testEnv, { trigger: "admin", force: false }, t1);
    expect(rotated.ok && rotated.value).toMatchObject({ retired: "k-mine", active: next1, forced: false });
    const next2 = rotated.ok ? rotated.value.next : "";
    expect(kidsOf(await servedJwks(testEnv))).toEqual([next1, next2, "k-mine", "k-older"]);
    const ring1 = await ringAt(testEnv, t1);
    expect(ring1.active.kid).toBe(next1);
    const byNext1 = await sign(ring1, t1);
    expect(await verifiesAt(testEnv, byNext1, t1)).toEqual([true, true]);
    expect(await verifiesAt(testEnv, byMine, t1 + 10 * MINUTE)).toEqual([true, true]);

    // Retire → remove: k-older (retired at import) goes once its retention has passed, not before.
    expect(await storeOf(testEnv).sweep(t0 + RETIRED_KEY_RETENTION_MS - 1)).toEqual([]);
    expect(kidsOf(await servedJwks(testEnv))).toContain("k-older");
    expect(await storeOf(testEnv).sweep(t0 + RETIRED_KEY_RETENTION_MS)).toEqual(["k-older"]);
    expect(kidsOf(await servedJwks(testEnv))).toEqual([next1, next2, "k-mine"]);
    // A k-mine token signed at the last moment an isolate could still sign with it lives to the end.
    const lastByMine = await sign(ring0, t1 + RING_CACHE_MS - 1000);
    const lastExpiry = t1 + RING_CACHE_MS - 1000 + LONGEST_TOKEN_MS;
    expect(await verifiesAt(testEnv, lastByMine, lastExpiry - 1000)).toEqual([true, true]);
    expect(await storeOf(testEnv).sweep(t1 + RETIRED_KEY_RETENTION_MS)).toEqual(["k-mine"]);
    expect(kidsOf(await servedJwks(testEnv))).toEqual([next1, next2]);
    expect(await verifiesAt(testEnv, byNext1, t1 + DAY - 1000)).toEqual([true, true]);

    expect(await eventTypes(testEnv)).toEqual([
      "imported:k-mine",
      `generated:${next1}`,
      "imported:k-older",
      `rotated:${next1}`,
      "removed:k-older",
      "removed:k-mine",
    ]);
  });

  it("the schedule rotates every SIGNING_KEY_ROTATION_DAYS, once however many runs overlap", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined, SIGNING_KEY_ROTATION_DAYS: "30" });
    const t0 = Date.now();
    const ring0 = await ringAt(testEnv, t0);
    expect(ring0.active.alg).toBe("ES256");
    const first = ring0.active.kid;
    expect(await rotateOnSchedule(testEnv, t0 + 30 * DAY - 1)).toBe("not_due");
    const due = t0 + 30 * DAY;
    const runs = await Promise.all([rotateOnSchedule(testEnv, due), rotateOnSchedule(testEnv, due + 1)]);
    expect(runs.sort()).toEqual(["not_due", "rotated"]);
    const ring1 = await ringAt(testEnv, due + 2);
    expect(ring1.active.kid).not.toBe(first);
    expect(kidsOf(await servedJwks(testEnv))).toContain(first);
    expect(await rotateOnSchedule(testEnv, due + DAY)).toBe("not_due");
    expect(await rotateOnSchedule(testEnv, due + 30 * DAY)).toBe("rotated");
    expect((await eventTypes(testEnv)).filter((event) => event.startsWith("rotated"))).toHaveLength(2);
    const events = await storeOf(testEnv).events(1);
    expect(events.events[0]).toMatchObject({ type: "rotated", trigger: "schedule", requestId: null });
  });

  it("a cron run during a manual rotation: the two make one rotation", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    await ringAt(testEnv, t0);
    const due = t0 + 30 * DAY;
    const [scheduled, manual] = await Promise.all([
      rotateOnSchedule(testEnv, due),
      rotateSigningKeys(testEnv, { trigger: "admin", force: false }, due),
    ]);
    const outcomes = [scheduled, manual.ok ? "rotated" : manual.reason.code].sort();
    // Whichever ran first rotated; the other found the active key fresh (cron) or next too young (manual).
    expect(outcomes.filter((outcome) => outcome === "rotated")).toHaveLength(1);
    expect(outcomes).toContainEqual(expect.stringMatching(/^(not_due|too_early)$/));
    expect((await eventTypes(testEnv)).filter((event) => event.startsWith("rotated"))).toHaveLength(1);
  });

  it("the Worker's scheduled handler rotates when due and logs one line per run", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    const first = (await ringAt(testEnv, t0)).active.kid;
    const log = vi.spyOn(console, "log");
    const controller = createScheduledController({ scheduledTime: t0 + 30 * DAY, cron: "17 3 * * *" });
    await worker.scheduled(controller, testEnv);
    expect(JSON.parse(String(log.mock.calls.at(-1)![0]))).toMatchObject({
      cron: "17 3 * * *",
      task: "signing_key_rotation",
      outcome: "rotated",
    });
    log.mockRestore();
    expect((await ringAt(testEnv, t0 + 30 * DAY)).active.kid).not.toBe(first);
  });

  it("the schedule never forces: a due rotation waits until a fresh next key has been published long enough", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    await ringAt(testEnv, t0);
    const [, next] = kidsOf(await servedJwks(testEnv));
    const due = t0 + 30 * DAY;
    const revoked = await revokeSigningKey(testEnv, { trigger: "admin", kid: next! }, due - MINUTE);
    expect(revoked.ok).toBe(true);
    expect(await rotateOnSchedule(testEnv, due)).toBe("too_early");
    expect(await rotateOnSchedule(testEnv, due - MINUTE + PUBLISH_BEFORE_SIGNING_MS)).toBe("rotated");
  });

  it("the schedule does nothing when SIGNING_KEY_ROTATION_DAYS is 0, and refuses a value that is not a day count", async () => {
    const off = envWithOwnKeyStore({ SIGNING_KEY_ROTATION_DAYS: "0" as Env["SIGNING_KEY_ROTATION_DAYS"] });
    expect(await rotateOnSchedule(off, Date.now() + 400 * DAY)).toBe("disabled");
    expect(await storeOf(off).read(Date.now())).toEqual([]);
    for (const value of ["thirty", "-1", "1.5", "366", " 30"]) {
      const bad = envWithOwnKeyStore({
        SIGNING_KEY_ROTATION_DAYS: value as Env["SIGNING_KEY_ROTATION_DAYS"],
      });
      await expect(rotateOnSchedule(bad, Date.now())).rejects.toThrow(
        "SIGNING_KEY_ROTATION_DAYS must be an integer from 0 to 365",
      );
    }
  });

  it("revoking the active key promotes next at once, forced; its tokens stop verifying at once", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    const ring0 = await ringAt(testEnv, t0);
    const [active, next] = kidsOf(await servedJwks(testEnv));
    const token = await sign(ring0, t0);
    expect(await verifiesAt(testEnv, token, t0 + MINUTE)).toEqual([true, true]);

    const revoked = await revokeSigningKey(testEnv, { trigger: "admin", kid: active! }, t0 + MINUTE);
    expect(revoked.ok && revoked.value).toMatchObject({ revoked: active, state: "active", promoted: next });
    const replacement = revoked.ok ? revoked.value.next : "";
    expect(kidsOf(await servedJwks(testEnv))).toEqual([next, replacement]);
    expect(await verifiesAt(testEnv, token, t0 + 2 * MINUTE)).toEqual([false, false]);
    const ring1 = await ringAt(testEnv, t0 + 2 * MINUTE);
    expect(ring1.active.kid).toBe(next);
    expect(await verifiesAt(testEnv, await sign(ring1, t0 + 2 * MINUTE), t0 + 3 * MINUTE)).toEqual([
      true,
      true,
    ]);

    // Revoking next makes a new next; a retired key simply goes; an unknown kid is not found.
    const again = await revokeSigningKey(testEnv, { trigger: "admin", kid: replacement! }, t0 + 3 * MINUTE);
    expect(again.ok && again.value).toMatchObject({ revoked: replacement, state: "next" });
    expect(again.ok && again.value.promoted).toBeUndefined();
    expect(kidsOf(await servedJwks(testEnv))).toEqual([next, again.ok ? again.value.next : ""]);
    expect(await revokeSigningKey(testEnv, { trigger: "admin", kid: "nope" }, t0)).toEqual({
      ok: false,
      reason: "not_found",
    });
    const rotated = await rotateSigningKeys(testEnv, { trigger: "admin", force: true }, t0 + 4 * MINUTE);
    expect(rotated.ok && rotated.value).toMatchObject({ retired: next, forced: true });
    const retiredRevoked = await revokeSigningKey(testEnv, { trigger: "admin", kid: next! }, t0 + 5 * MINUTE);
    expect(retiredRevoked.ok && retiredRevoked.value).toEqual({ revoked: next, state: "retired" });
    expect(kidsOf(await servedJwks(testEnv))).not.toContain(next);
    expect(await storeOf(testEnv).read(t0 + 5 * MINUTE)).toHaveLength(2);
  });
});

describe("a store left broken by a fault", () => {
  it.each([
    ["no active key", (keys: { state: string }[]) => keys.filter((key) => key.state !== "active")],
    ["no next key", (keys: { state: string }[]) => keys.filter((key) => key.state !== "next")],
    ["two active keys", (keys: { state: string }[]) => keys.map((key) => ({ ...key, state: "active" }))],
  ])("with %s is repaired by the next request, and signs with a published key", async (_what, damage) => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    await ringAt(testEnv, t0);
    await runInDurableObject(storeOf(testEnv), (_instance, state) => {
      state.storage.kv.put("keys", damage(state.storage.kv.get("keys") as { state: string }[]));
    });
    const ring = await ringAt(testEnv, t0 + MINUTE);
    const keys = await storeOf(testEnv).read(t0 + MINUTE);
    expect(keys.filter((key) => key.state === "active").map((key) => key.kid)).toEqual([ring.active.kid]);
    expect(keys.filter((key) => key.state === "next")).toHaveLength(1);
    const jwks = await servedJwks(testEnv);
    expect(kidsOf(jwks)).toContain(ring.active.kid);
    const token = await sign(ring, t0 + MINUTE);
    expect(await verifiesAt(testEnv, token, t0 + 2 * MINUTE)).toEqual([true, true]);
    expect((await eventTypes(testEnv)).at(-1)).toMatch(/^repaired:/);
  });

  it("is not repaired under another KEY_ENCRYPTION_SECRET: 500 and the store left as it was", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const t0 = Date.now();
    await ringAt(testEnv, t0);
    await runInDurableObject(storeOf(testEnv), (_instance, state) => {
      const keys = state.storage.kv.get("keys") as { state: string }[];
      state.storage.kv.put(
        "keys",
        keys.filter((key) => key.state !== "next"),
      );
    });
    const damaged = await storeOf(testEnv).read(t0);
    await expect(ringAt({ ...testEnv, KEY_ENCRYPTION_SECRET: "another" }, t0 + MINUTE)).rejects.toThrow(
      "KEY_ENCRYPTION_SECRET is not the secret that sealed signing key",
    );
    expect(await storeOf(testEnv).read(t0 + MINUTE)).toEqual(damaged);
  });

  it("an imported key that is not the JWKS's own never signs: a token from an unknown key fails", async () => {
    const testEnv = envWithOwnKeyStore({ SIGNING_KEYS: undefined });
    const ring = await ringAt(testEnv, Date.now());
    const stranger = await privateJwk("ES256", ring.active.kid);
    const forged = await new SignJWT({ sub: "txn", aud: "app" })
      .setProtectedHeader({ alg: "ES256", kid: ring.active.kid, typ: "cpr+jwt" })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(await importJWK(stranger as JWK, "ES256"));
    expect(await verifiesAt(testEnv, forged, Date.now())).toEqual([false, false]);
  });
});
