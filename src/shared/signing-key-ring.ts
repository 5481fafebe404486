import { toHex } from "./encoding";
import { openPrivateKey, sealPrivateKey } from "./key-sealing";
import { fail } from "./result";
import {
  type Actor,
  notYetDue,
  type RevocationOutcome,
  RING_CACHE_MS,
  type RotationOutcome,
  type SealedMaterial,
  type StoredKey,
  signingKeyStore,
} from "./signing-key-store";
import {
  buildKeyRing,
  type KeyMaterial,
  type KeyRing,
  parseSigningKeys,
  publicJwkOf,
  type SigningAlgorithm,
  SigningKeysError,
} from "./signing-keys";

// The store's key ring (docs/operations.md#signing-keys), cached per isolate for RING_CACHE_MS so signing,
// verification and the JWKS never wait on the store; a change made in this isolate drops the cache at once,
// elsewhere it arrives within RING_CACHE_MS (docs/storage.md#caches).

const STATE_ORDER = { active: 0, next: 1, retired: 2 } as const;

let cached: { secret: string | undefined; loadedAt: number; ring: Promise<KeyRing> } | undefined;

/** The ring to sign and verify with: the isolate's cached copy while fresh, else the store's. */
export function signingKeyRing(env: Env, now = Date.now()): Promise<KeyRing> {
  const entry = cached;
  // Keyed by the encryption secret too: a ring opened under one secret is not served under another.
  if (entry && entry.secret === env.KEY_ENCRYPTION_SECRET && now - entry.loadedAt < RING_CACHE_MS) {
    return entry.ring;
  }
  return reloadSigningKeyRing(env, now);
}

/** Reads the store (filling or repairing it when needed) and caches the ring it yields. */
export function reloadSigningKeyRing(env: Env, now = Date.now(), actor: Actor = { trigger: "startup" }) {
  const ring = storedKeys(env, now, actor).then((keys) => ringOf(env, keys));
  const entry = { secret: env.KEY_ENCRYPTION_SECRET, loadedAt: now, ring };
  cached = entry;
  // A failure is not cached: the next request tries again (and fails closed again if it must).
  ring.catch(() => {
    if (cached === entry) cached = undefined;
  });
  return ring;
}

/** Drops this isolate's ring, so the next request reads the store. */
export function forgetSigningKeyRing(): void {
  cached = undefined;
}

/** The store's keys, filled or repaired first; new keys are sealed first: a missing secret writes nothing. */
async function storedKeys(env: Env, now: number, actor: Actor): Promise<StoredKey[]> {
  const store = signingKeyStore(env);
  const keys = await store.read(now);
  if (keys.length === 0) {
    const imported = env.SIGNING_KEYS ? await parseSigningKeys(env.SIGNING_KEYS) : undefined;
    const first = imported ?? [await generateKey("ES256", now)];
    const sealed = await Promise.all(first.map((key) => seal(env, key, imported ? "imported" : "generated")));
    const next = await newKey(env, first[0]!.alg, now);
    return store.initialize({ ...actor, keys: sealed, next }, now);
  }
  const count = (state: StoredKey["state"]) => keys.filter((key) => key.state === state).length;
  if (count("active") === 1 && count("next") === 1) return keys;
  // A repair adds keys sealed under this isolate's secret: first prove it is the store's secret.
  await openPrivateKey(env.KEY_ENCRYPTION_SECRET, keys[0]!.kid, keys[0]!.sealed);
  const alg = keys[0]!.alg;
  const [active, next] = await Promise.all([newKey(env, alg, now), newKey(env, alg, now)]);
  return store.repair({ ...actor, active, next }, now);
}

/** The active key signs, every stored key verifies; opening it proves KEY_ENCRYPTION_SECRET sealed it. */
async function ringOf(env: Env, keys: readonly StoredKey[]): Promise<KeyRing> {
  const active = keys.find((key) => key.state === "active");
  if (!active) throw new SigningKeysError("the signing key store has no active key");
  const privateJwk = await openPrivateKey(env.KEY_ENCRYPTION_SECRET, active.kid, active.sealed);
  const published = [...keys].sort(byPublicationOrder);
  return buildKeyRing({ ...active, privateJwk }, published, "signing key store");
}

/** The JWKS and admin order: active, next, then retired keys, the most recently retired first. */
function byPublicationOrder(a: StoredKey, b: StoredKey): number {
  return STATE_ORDER[a.state] - STATE_ORDER[b.state] || (b.retiredAt ?? 0) - (a.retiredAt ?? 0);
}

/** A fresh key pair; the kid carries the day it was made and 48 random bits. */
async function generateKey(alg: SigningAlgorithm, now: number): Promise<KeyMaterial> {
  // docs/architecture.md#startup: jose loads on first use, like zod.
  const [{ generateKeyPair }, { exportJWK }] = await Promise.all([
    import("jose/key/generate/keypair"),
    import("jose/key/export"),
  ]);
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength: 2048 });
  const kid = `${new Date(now).toISOString().slice(0, 10)}-${toHex(crypto.getRandomValues(new Uint8Array(6)))}`;
  const privateJwk = await exportJWK(privateKey);
  return { kid, alg, privateJwk: { ...privateJwk, kid, alg }, publicJwk: publicJwkOf(privateJwk, kid, alg) };
}

async function seal(env: Env, key: KeyMaterial, origin: SealedMaterial["origin"]): Promise<SealedMaterial> {
  const sealed = await sealPrivateKey(env.KEY_ENCRYPTION_SECRET, key.kid, key.privateJwk);
  return { kid: key.kid, alg: key.alg, origin, publicJwk: key.publicJwk, sealed };
}

async function newKey(env: Env, alg: SigningAlgorithm, now: number): Promise<SealedMaterial> {
  return seal(env, await generateKey(alg, now), "generated");
}

/** The store's keys for the admin API, with the store filled or repaired first. */
export async function listSigningKeys(env: Env, now: number, actor: Actor): Promise<StoredKey[]> {
  const keys = (await storedKeys(env, now, actor)).sort(byPublicationOrder);
  // Opening the active key first: a wrong KEY_ENCRYPTION_SECRET is a fault here too, not a listing.
  await ringOf(env, keys);
  return keys;
}

/** The store keeps exactly one active and one next key (docs/operations.md#key-states). */
const inState = (keys: readonly StoredKey[], state: "active" | "next"): StoredKey =>
  keys.find((key) => key.state === state)!;

/**
 * docs/operations.md#rotate-now: the new `next` has `alg`, else the current `next`'s. The ring is reloaded
 * first, so a wrong KEY_ENCRYPTION_SECRET fails before anything is stored.
 */
export async function rotateSigningKeys(
  env: Env,
  request: { alg?: SigningAlgorithm; force: boolean; dueEveryMs?: number } & Actor,
  now: number,
): Promise<RotationOutcome> {
  const keys = await listSigningKeys(env, now, request);
  const { alg, force, dueEveryMs, trigger, requestId } = request;
  // The daily cron usually finds nothing due: skip making a key (RSA is slow). The store checks again, so
  // this early answer never decides a rotation.
  if (notYetDue(inState(keys, "active"), now, dueEveryMs)) return fail({ code: "not_due" });
  const fresh = await newKey(env, alg ?? inState(keys, "next").alg, now);
  const outcome = await signingKeyStore(env).rotate(
    { next: fresh, force, dueEveryMs, trigger, requestId },
    now,
  );
  if (outcome.ok) forgetSigningKeyRing();
  return outcome;
}

/** docs/operations.md#revoke: the ring is dropped, so the key stops verifying here at once. */
export async function revokeSigningKey(
  env: Env,
  request: { kid: string } & Actor,
  now: number,
): Promise<RevocationOutcome> {
  const fresh = await newKey(env, inState(await listSigningKeys(env, now, request), "next").alg, now);
  const outcome = await signingKeyStore(env).revoke({ ...request, next: fresh }, now);
  forgetSigningKeyRing();
  return outcome;
}

/** Publishes an operator's own private key as `next` (import); it signs from the next rotation. */
export async function importSigningKey(
  env: Env,
  request: { key: KeyMaterial } & Actor,
  now: number,
): Promise<StoredKey[] | "kid_taken"> {
  await listSigningKeys(env, now, request);
  const { key, ...actor } = request;
  const next = await seal(env, key, "imported");
  const outcome = await signingKeyStore(env).replaceNext({ ...actor, next }, now);
  forgetSigningKeyRing();
  return outcome;
}
