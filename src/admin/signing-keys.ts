import { Hono } from "hono";
import type { AppContext, AppEnv } from "../shared/env";
import { annotate } from "../shared/env";
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
import { type KeyMaterial, parseSigningKeys, SigningKeysError } from "../shared/signing-keys";
import type * as z from "../shared/zod";
import { adminFailure } from "./errors";
import type { importSigningKeySchema } from "./signing-keys-schema";
import { adminJson, adminParams, adminQuery } from "./validate";

const load = () => import("./signing-keys-schema");

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** A key as the admin API shows it: no sealed or private member. */
function keyView(key: StoredKey) {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    origin: key.origin,
    publishedAt: iso(key.createdAt)!,
    ...(key.state === "next" ? { signsFrom: iso(key.createdAt + PUBLISH_BEFORE_SIGNING_MS) } : {}),
    ...(key.activatedAt === undefined ? {} : { activatedAt: iso(key.activatedAt) }),
    ...(key.retiredAt === undefined ? {} : { retiredAt: iso(key.retiredAt) }),
    ...(key.removeAt === undefined ? {} : { removeAt: iso(key.removeAt) }),
  };
}

function keysView(c: AppContext, keys: readonly StoredKey[]) {
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
async function importedKey(body: z.infer<typeof importSigningKeySchema>): Promise<KeyMaterial | string> {
  try {
    const [key] = await parseSigningKeys(JSON.stringify(body), "the imported key set");
    return key!;
  } catch (error) {
    if (error instanceof SigningKeysError) return error.message;
    throw error;
  }
}

const actorOf = (c: AppContext): Actor => ({ trigger: "admin", requestId: c.get("requestId") });

/** `/admin/v1/signing-keys`: the signing key store (docs/operations.md#signing-keys). */
export const signingKeysAdmin = new Hono<AppEnv>()
  .use(async (c, next) => {
    // docs/http.md#checked-vars: a bad SIGNING_KEY_ROTATION_DAYS
    // fails before a key moves, not in the answer after.
    rotationDays(c.env.SIGNING_KEY_ROTATION_DAYS);
    await next();
  })
  .get("/", async (c) => {
    return c.json(keysView(c, await listSigningKeys(c.env, Date.now(), actorOf(c))));
  })
  .post(
    "/rotate",
    adminJson(() => load().then((m) => m.rotateSigningKeysSchema)),
    async (c) => {
      const { alg, force = false } = c.req.valid("json");
      const now = Date.now();
      const outcome = await rotateSigningKeys(c.env, { ...actorOf(c), alg, force }, now);
      if (!outcome.ok) {
        if (outcome.reason.code === "too_early") {
          return adminFailure(c, {
            code: "too_early",
            message: `The next key may sign from ${iso(outcome.reason.signsFrom)} (published for ${PUBLISH_BEFORE_SIGNING_MS / 1000} s); send "force": true to rotate now`,
          });
        }
        // Neither happens to an admin rotation: no `dueEveryMs`, and the store was just repaired.
        throw new Error(`signing key rotation refused: ${outcome.reason.code}`);
      }
      annotate(c, { action: "signing_key_rotated", kid: outcome.value.active, forced: outcome.value.forced });
      const keys = await listSigningKeys(c.env, now, actorOf(c));
      return c.json({ rotated: outcome.value, ...keysView(c, keys) });
    },
  )
  .post(
    "/import",
    adminJson(() => load().then((m) => m.importSigningKeySchema)),
    async (c) => {
      const key = await importedKey(c.req.valid("json"));
      if (typeof key === "string") return adminFailure(c, { code: "invalid_request", message: key });
      const outcome = await importSigningKey(c.env, { ...actorOf(c), key }, Date.now());
      if (outcome === "kid_taken") {
        return adminFailure(c, { code: "conflict", message: `Signing key ${key.kid} already exists` });
      }
      annotate(c, { action: "signing_key_imported", kid: key.kid });
      return c.json({ imported: key.kid, ...keysView(c, outcome) }, 201);
    },
  )
  .post(
    "/:kid/revoke",
    adminParams(() => load().then((m) => m.kidParamSchema)),
    async (c) => {
      const { kid } = c.req.valid("param");
      const outcome = await revokeSigningKey(c.env, { ...actorOf(c), kid }, Date.now());
      if (!outcome.ok) {
        if (outcome.reason === "not_found") {
          return adminFailure(c, { code: "not_found", message: `No signing key ${kid}` });
        }
        throw new Error(`signing key revocation refused: ${outcome.reason}`);
      }
      const { revoked, state, promoted, next } = outcome.value;
      annotate(c, { action: "signing_key_revoked", kid: revoked, promoted });
      const keys = await listSigningKeys(c.env, Date.now(), actorOf(c));
      return c.json({
        revoked,
        state,
        // docs/operations.md#revoke: revoking the active key
        // promotes `next` at once, before its publication time.
        ...(promoted ? { promoted, forced: true } : {}),
        ...(next ? { next } : {}),
        ...keysView(c, keys),
      });
    },
  )
  .get(
    "/events",
    adminQuery(() => load().then((m) => m.signingKeyEventsQuerySchema)),
    async (c) => {
      const { limit, before } = c.req.valid("query");
      const page = await signingKeyStore(c.env).events(
        limit,
        before === undefined ? undefined : Number(before),
      );
      return c.json({
        events: page.events.map((event) => ({ ...event, at: iso(event.at) })),
        next: page.next,
      });
    },
  );
