import { APPS } from "../shared/config-records";
import { configStoreFor } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { looksLikeCprToken, verifyCprToken } from "./token";
import type { CprTokenPayload } from "./token-schema";
import { transactionStub } from "./transaction";

/**
 * A verified token whose app exists in its incarnation (docs/storage.md#incarnations): one KV read, served from
 * the isolate cache, before any Durable Object is touched; with the token's transaction object.
 */
async function ofCurrentApp(env: Env, token: string, now: number) {
  const verified = await verifyCprToken(env, token, now);
  if (!verified.ok || !isValidId(verified.value.appId)) return undefined;
  const claims = verified.value;
  const app = await configStoreFor(env).get(APPS, claims.appId);
  if (app?.incarnation !== claims.inc) return undefined;
  return { claims, app, transaction: transactionStub(env, app.appId, app.incarnation, claims.transactionId) };
}

/**
 * A verified token of the app's current incarnation and its transaction's current epoch
 * (docs/tokens.md#revocation), also for the bearer of docs/cpr.md#deprecated-unique-id-route.
 */
export async function liveToken(env: Env, token: string, now: number) {
  const current = await ofCurrentApp(env, token, now);
  if (!current) return undefined;
  return (await current.transaction.revocationEpoch()) === current.claims.rev ? current : undefined;
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
    const current = await ofCurrentApp(env, token, now);
    // A token of a deleted or earlier app is already dead, and its transaction is not this app's. Bumps only
    // while the token is of the current epoch, so a repeated revocation is a no-op.
    await current?.transaction.revoke(now, current.claims.rev);
  },
};
