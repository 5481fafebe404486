import { BoundedCache } from "../shared/bounded-cache";
import type { PortalUserRecord } from "../shared/config-records";
import { generateSecret, hmacSha256 } from "../shared/crypto";
import { toHex } from "../shared/encoding";

// Logins this isolate accepted lately: the same pair again skips PBKDF2 and its budgets. Keyed by an HMAC under
// a key that never leaves the isolate, so nothing kept tests a password guess offline; only a pair that already
// succeeded can hit, so a miss costs what every login cost (docs/portal.md#verified-logins).
export const VERIFIED_LOGIN_TTL_MS = 5 * 60 * 1000;
const VERIFIED_LOGIN_LIMIT = 10_000;

interface Verified {
  readonly until: number;
  readonly credentialVersion: number;
  readonly passwordHash: string;
}

const verifiedLogins = new BoundedCache<Verified>(VERIFIED_LOGIN_LIMIT);
let isolateKey: string | undefined;

async function keyOf(email: string, password: string): Promise<string> {
  isolateKey ??= generateSecret();
  return toHex(await hmacSha256(isolateKey, JSON.stringify([email, password])));
}

export async function recallVerified(email: string, password: string, now: number) {
  const key = await keyOf(email, password);
  const verified = verifiedLogins.get(key);
  if (verified === undefined || now < verified.until) return verified;
  verifiedLogins.delete(key);
  return undefined;
}

export function verifiedAgainst(verified: Verified | undefined, user: PortalUserRecord | undefined): boolean {
  if (!verified || !user) return false;
  return verified.credentialVersion === user.credentialVersion && verified.passwordHash === user.passwordHash;
}

export async function rememberVerified(user: PortalUserRecord, password: string, now: number): Promise<void> {
  verifiedLogins.set(await keyOf(user.email, password), {
    until: now + VERIFIED_LOGIN_TTL_MS,
    credentialVersion: user.credentialVersion,
    passwordHash: user.passwordHash,
  });
}
