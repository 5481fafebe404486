import { APPS, type AppRecord } from "../shared/config-records";
import { configStoreFor } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { looksLikeCprToken, verifyCprToken } from "./token";
import type { CprTokenPayload } from "./token-schema";
import { transactionStub } from "./transaction";

/**
 * The token's app while it exists in the token's incarnation (docs/storage.md#incarnations): one KV read,
 * served from the isolate cache, before any Durable Object is touched.
 */
async function currentApp(env: Env, claims: CprTokenPayload): Promise<AppRecord | undefined> {
  if (!isValidId(claims.appId)) return undefined;
  const app = await configStoreFor(env).get(APPS, claims.appId);
  return app?.incarnation === claims.inc ? app : undefined;
}

/**
 * A verified token of the app's current incarnation and its transaction's current epoch
 * (docs/tokens.md#revocation); the deprecated route's bearer authentication uses it too: the token acts for
 * its app, on its own transaction only (docs/cpr.md#deprecated-unique-id-route).
 */
export async function liveToken(
  env: Env,
  token: string,
  now: number,
): Promise<{ claims: CprTokenPayload; app: AppRecord } | undefined> {
  const verified = await verifyCprToken(env, token, now);
  if (!verified.ok) return undefined;
  const claims = verified.value;
  const app = await currentApp(env, claims);
  if (!app) return undefined;
  const transaction = transactionStub(env, app.appId, app.incarnation, claims.transactionId);
  return (await transaction.revocationEpoch()) === claims.rev ? { claims, app } : undefined;
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

/** CPR auth tokens for `/oauth/introspect` and `/oauth/revoke` (docs/tokens.md#introspection). */
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
