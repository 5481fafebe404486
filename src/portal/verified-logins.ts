import { BoundedCache } from "../shared/bounded-cache";
import type { PortalUserRecord } from "../shared/config-records";
import { generateSecret, hmacSha256 } from "../shared/crypto";
import { toHex } from "../shared/encoding";

/**
 * Logins this isolate accepted lately (docs/portal.md#verified-logins). A server logs in with the same
 * email and password again and again (each login hands back its live token); remembering that the pair
 * verified spares those logins the PBKDF2 work (~19 ms of CPU each). Only a login that succeeded is
 * remembered, as an HMAC under a key that never leaves the isolate over the email, the user's
 * credential version and stored hash, and the password: a changed password, a disable or a delete (each
 * a new credential version), any other password and any unknown email miss and pay PBKDF2 as before,
 * so a miss costs what every login cost. The lockout, the allowlist and the user's object still decide
 * every login.
 */
export const VERIFIED_LOGIN_TTL_MS = 5 * 60 * 1000;
const VERIFIED_LOGIN_LIMIT = 10_000;

const verifiedUntil = new BoundedCache<number>(VERIFIED_LOGIN_LIMIT);
let isolateKey: string | undefined;

async function digestOf(user: PortalUserRecord, password: string): Promise<string> {
  isolateKey ??= generateSecret();
  const message = JSON.stringify([user.email, user.credentialVersion, user.passwordHash, password]);
  return toHex(await hmacSha256(isolateKey, message));
}

/** True when this user record and password made a successful login here within the last few minutes. */
export async function wasVerified(user: PortalUserRecord, password: string, now: number): Promise<boolean> {
  const digest = await digestOf(user, password);
  const until = verifiedUntil.get(digest);
  if (until === undefined) return false;
  if (now < until) return true;
  verifiedUntil.delete(digest);
  return false;
}

/** Remembers a login that succeeded with this user record and password. */
export async function rememberVerified(user: PortalUserRecord, password: string, now: number): Promise<void> {
  verifiedUntil.set(await digestOf(user, password), now + VERIFIED_LOGIN_TTL_MS);
}
