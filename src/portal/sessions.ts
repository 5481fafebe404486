import { objectName } from "../shared/ids";
import { isPortalToken, portalTokenHash } from "./token-codec";

/** PayU's Optimus API key header, carrying the token to check (read by `optimusApiKey`). */
export const TOKEN_HEADER = "X-Optimus-API-Key";

/** The `PortalUser` object of a canonical email (known or not: failures for unknown emails count too). */
export function portalUserObject(env: Env, email: string) {
  return env.PORTAL_USERS.getByName(objectName("portal-user", email));
}

export function portalTokenObject(env: Env, tokenHash: string) {
  return env.PORTAL_TOKENS.getByName(objectName("portal-token", tokenHash));
}

/**
 * A live token and whose it is, in two strongly consistent hops and no KV, so rotation and revocation apply at
 * once everywhere (docs/portal.md#session-check).
 */
export async function findLiveSession(env: Env, token: string, now: number) {
  if (!isPortalToken(token)) return undefined;
  const hash = await portalTokenHash(token);
  const pointer = await portalTokenObject(env, hash).lookup(now);
  if (!pointer) return undefined;
  const held = await portalUserObject(env, pointer.email).session(hash, now);
  if (!held) return undefined;
  const { organizationId, issuedAt, expiresAt } = held;
  return { email: pointer.email, organizationId, issuedAt, expiresAt };
}

/** Ends a token at once (logout); unknown or malformed tokens are ignored (RFC 7009 §2.2). */
export async function endSession(env: Env, token: string, now: number): Promise<void> {
  if (!isPortalToken(token)) return;
  const hash = await portalTokenHash(token);
  const pointerObject = portalTokenObject(env, hash);
  const pointer = await pointerObject.lookup(now);
  if (!pointer) return;
  await portalUserObject(env, pointer.email).revoke(hash);
  await pointerObject.forget();
}
