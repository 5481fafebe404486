import { type AppContext, annotate } from "../shared/env";
import {
  importSigningKey,
  listSigningKeys,
  revokeSigningKey,
  rotateSigningKeys,
} from "../shared/signing-key-ring";
import { rotationDays } from "../shared/signing-key-schedule";
import {
  type Actor,
  PUBLISH_BEFORE_SIGNING_MS,
  RETIRED_KEY_RETENTION_MS,
  type StoredKey,
  signingKeyStore,
} from "../shared/signing-key-store";
import { parseSigningKeys, SigningKeysError } from "../shared/signing-keys";
import type * as z from "../shared/zod";
import { signingKeysContract } from "./contract";
import { adminFailure } from "./errors";
import type * as schemas from "./signing-keys-schema";
import { adminContractRoutes } from "./validate";

type KeysView = z.output<typeof schemas.signingKeysSchema>;

const iso = (ms: number) => new Date(ms).toISOString();
const actorOf = (c: AppContext): Actor => ({ trigger: "admin", requestId: c.get("requestId") });

/** A key as the admin API shows it: no sealed or private member. */
function keyView(key: StoredKey): KeysView["keys"][number] {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    origin: key.origin,
    publishedAt: iso(key.createdAt),
    ...(key.state === "next" ? { signsFrom: iso(key.createdAt + PUBLISH_BEFORE_SIGNING_MS) } : {}),
    ...(key.activatedAt === undefined ? {} : { activatedAt: iso(key.activatedAt) }),
    ...(key.retiredAt === undefined ? {} : { retiredAt: iso(key.retiredAt) }),
    ...(key.removeAt === undefined ? {} : { removeAt: iso(key.removeAt) }),
  };
}

/** The keys (as listed now unless given) and the rotation schedule. */
async function keysView(c: AppContext, now: number, listed?: readonly StoredKey[]): Promise<KeysView> {
  const keys = listed ?? (await listSigningKeys(c.env, now, actorOf(c)));
  const days = rotationDays(c.env.SIGNING_KEY_ROTATION_DAYS);
  const active = keys.find((key) => key.state === "active");
  const activeSince = active?.activatedAt ?? active?.createdAt;
  return {
    keys: keys.map(keyView),
    schedule: {
      rotationDays: days,
      // The first daily cron run at or after this time rotates (when `next` may sign by then).
      rotationDueAt: days === 0 || activeSince === undefined ? null : iso(activeSince + days * 86_400_000),
      publishBeforeSigningSeconds: PUBLISH_BEFORE_SIGNING_MS / 1000,
      retiredKeyRetentionSeconds: RETIRED_KEY_RETENTION_MS / 1000,
    },
  };
}

/** The one key of an import body, or why it is refused (the message names the kid, never key material). */
async function importedKey(body: z.infer<typeof schemas.importSigningKeySchema>) {
  try {
    const [key] = await parseSigningKeys(JSON.stringify(body), "the imported key set");
    return key!;
  } catch (error) {
    if (error instanceof SigningKeysError) return error.message;
    throw error;
  }
}

/** `/admin/v1/signing-keys`: the signing key store (docs/operations.md#signing-keys). */
const { app: signingKeysAdmin, route } = adminContractRoutes(
  signingKeysContract,
  () => import("./signing-keys-schema"),
);

// docs/http.md#checked-vars: a bad SIGNING_KEY_ROTATION_DAYS fails before a key moves, not in the answer after.
signingKeysAdmin.use("/admin/v1/signing-keys/*", async (c, next) => {
  rotationDays(c.env.SIGNING_KEY_ROTATION_DAYS);
  await next();
});

route("listSigningKeys", async (c, reply) => reply(await keysView(c, Date.now())));

route("rotateSigningKeys", async (c, reply) => {
  const { alg, force = false } = c.req.valid("json");
  const now = Date.now();
  const outcome = await rotateSigningKeys(c.env, { ...actorOf(c), alg, force }, now);
  if (!outcome.ok && outcome.reason.code === "too_early") {
    return adminFailure(c, {
      code: "too_early",
      message: `The next key may sign from ${iso(outcome.reason.signsFrom)} (published for ${PUBLISH_BEFORE_SIGNING_MS / 1000} s); send "force": true to rotate now`,
    });
  }
  // Neither happens to an admin rotation: no `dueEveryMs`, and the store was just repaired.
  if (!outcome.ok) throw new Error(`signing key rotation refused: ${outcome.reason.code}`);
  annotate(c, { action: "signing_key_rotated", kid: outcome.value.active, forced: outcome.value.forced });
  return reply({ rotated: outcome.value, ...(await keysView(c, now)) });
});

route("importSigningKey", async (c, reply) => {
  const key = await importedKey(c.req.valid("json"));
  if (typeof key === "string") return adminFailure(c, { code: "invalid_request", message: key });
  const now = Date.now();
  const outcome = await importSigningKey(c.env, { ...actorOf(c), key }, now);
  if (outcome === "kid_taken") {
    return adminFailure(c, { code: "conflict", message: `Signing key ${key.kid} already exists` });
  }
  annotate(c, { action: "signing_key_imported", kid: key.kid });
  return reply({ imported: key.kid, ...(await keysView(c, now, outcome)) });
});

route("revokeSigningKey", async (c, reply) => {
  const { kid } = c.req.valid("param");
  const outcome = await revokeSigningKey(c.env, { ...actorOf(c), kid }, Date.now());
  if (!outcome.ok && outcome.reason === "not_found") {
    return adminFailure(c, { code: "not_found", message: `No signing key ${kid}` });
  }
  if (!outcome.ok) throw new Error(`signing key revocation refused: ${outcome.reason}`);
  const { revoked, state, promoted, next } = outcome.value;
  annotate(c, { action: "signing_key_revoked", kid: revoked, promoted });
  return reply({
    revoked,
    state,
    // docs/operations.md#revoke: revoking the active key promotes `next` at once, before its time.
    ...(promoted ? { promoted, forced: true as const } : {}),
    ...(next ? { next } : {}),
    ...(await keysView(c, Date.now())),
  });
});

route("listSigningKeyEvents", async (c, reply) => {
  const { limit, before } = c.req.valid("query");
  const page = await signingKeyStore(c.env).events(limit, before === undefined ? undefined : Number(before));
  return reply({ events: page.events.map((event) => ({ ...event, at: iso(event.at) })), next: page.next });
});

export { signingKeysAdmin };
