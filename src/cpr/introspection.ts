import type { LiveToken, TokenFamily } from "../shared/introspection";
import { type CprTokenPayload, looksLikeCprToken, verifyCprToken } from "./token";
import { transactionStub } from "./transaction";

/** A verified token together with its transaction's current epoch check (SPEC §6). */
async function liveToken(env: Env, token: string, now: number): Promise<CprTokenPayload | undefined> {
  const verified = await verifyCprToken(env, token, now);
  if (!verified.ok) return undefined;
  const claims = verified.value;
  const epoch = await transactionStub(env, claims.appId, claims.transactionId).revocationEpoch();
  return epoch === claims.rev ? claims : undefined;
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

/** CPR auth tokens for `/oauth/introspect` and `/oauth/revoke`: signature, expiry and revocation epoch. */
export const cprTokens: TokenFamily = {
  recognises: looksLikeCprToken,

  async introspect(env, token, now) {
    const claims = await liveToken(env, token, now);
    return claims && describe(claims);
  },

  async revoke(env, token, now) {
    const verified = await verifyCprToken(env, token, now);
    if (!verified.ok) return;
    const { appId, transactionId, rev } = verified.value;
    // Bumps only while the token is of the current epoch, so a repeated revocation is a no-op.
    await transactionStub(env, appId, transactionId).revoke(now, rev);
  },
};

/**
 * The app and transaction of a live CPR token (revoked ones are not live), for the deprecated route's
 * bearer authentication: the token acts for its app, on its own transaction only (SPEC §3).
 */
export async function liveTokenSubject(
  env: Env,
  token: string,
  now: number,
): Promise<{ appId: string; transactionId: string } | undefined> {
  const claims = await liveToken(env, token, now);
  return claims && { appId: claims.appId, transactionId: claims.transactionId };
}
