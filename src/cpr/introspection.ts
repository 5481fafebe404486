import { APPS, type AppRecord } from "../shared/config-records";
import { configStoreFor } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { looksLikeCprToken, verifyCprToken } from "./token";
import type { CprTokenPayload } from "./token-schema";
import { transactionStub } from "./transaction";

/**
 * The app the token was issued for, when that app still exists in the same incarnation
 * (docs/storage.md#incarnations): a deleted app's tokens are dead, and so are its predecessor's under a
 * re-created id. One KV read, served from the isolate cache, before any Durable Object is touched.
 */
async function currentApp(env: Env, claims: CprTokenPayload): Promise<AppRecord | undefined> {
  if (!isValidId(claims.appId)) return undefined;
  const app = await configStoreFor(env).get(APPS, claims.appId);
  return app?.incarnation === claims.inc ? app : undefined;
}

/**
 * A verified token of the app's current incarnation and its
 * transaction's current epoch (docs/tokens.md#revocation).
 */
async function liveToken(
  env: Env,
  token: string,
  now: number,
): Promise<{ claims: CprTokenPayload; app: AppRecord } | undefined> {
  const verified = await verifyCprToken(env, token, now);
  if (!verified.ok) return undefined;
  const claims = verified.value;
  const app = await currentApp(env, claims);
  if (!app) return undefined;
  const epoch = await transactionStub(
    env,
    app.appId,
    app.incarnation,
    claims.transactionId,
  ).revocationEpoch();
  return epoch === claims.rev ? { claims, app } : undefined;
}

function describe(claims: CprTokenPayload): LiveToken {
  return {
    owner: { kind: "app", appId: claims.appId },
    claims: {
      token_type: "Bearer",
      exp: claims.exp,
      iat: claims.iat,
      sub: claims.sub,
      iss: claims.iss,
      aud: claims.aud,
      jti: claims.jti,
      appId: claims.appId,
      transactionId: claims.transactionId,
      workflowId: claims.workflowId,
      journeyId: claims.journeyId,
      ...(claims.uniqueId === undefined ? {} : { uniqueId: claims.uniqueId }),
    },
  };
}

/**
 * CPR auth tokens for `/oauth/introspect` and `/oauth/revoke`: signature, expiry, the app's
 * incarnation and the transaction's revocation epoch.
 */
export const cprTokens: TokenFamily = {
  recognises: looksLikeCprToken,

  async introspect(env, token, now) {
    const live = await liveToken(env, token, now);
    return live && describe(live.claims);
  },

  async revoke(env, token, now) {
    const verified = await verifyCprToken(env, token, now);
    if (!verified.ok) return;
    const app = await currentApp(env, verified.value);
    // A token of a deleted or earlier app is already dead, and its transaction is not this app's.
    if (!app) return;
    const { transactionId, rev } = verified.value;
    // Bumps only while the token is of the current epoch, so a repeated revocation is a no-op.
    await transactionStub(env, app.appId, app.incarnation, transactionId).revoke(now, rev);
  },
};

/**
 * The app (current record, which the token's incarnation matches) and transaction of a live CPR
 * token, for the deprecated route's bearer authentication: the token acts for its app, on its own
 * transaction only (docs/cpr.md#deprecated-unique-id-route, docs/storage.md#tenant-objects).
 */
export async function liveTokenSubject(
  env: Env,
  token: string,
  now: number,
): Promise<{ app: AppRecord; transactionId: string } | undefined> {
  const live = await liveToken(env, token, now);
  return live && { app: live.app, transactionId: live.claims.transactionId };
}
