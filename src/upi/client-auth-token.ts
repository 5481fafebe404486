import { DurableObject } from "cloudflare:workers";
import type { MerchantRecord } from "../shared/config-records";
import { randomAlphanumeric, sha256Hex } from "../shared/crypto";
import { objectName } from "../shared/ids";
import { LEGACY_INCARNATION } from "../shared/incarnation";
import { customerObject } from "./customer";
import type { CustomerProfile, CustomerRef } from "./customer-state";

// Client auth tokens (docs/upi.md#client-auth-tokens), stored by SHA-256: the customer's object holds each
// one's expiry and uses (the hot path's one object); a tiny object per hash remembers whose it is.

const CLIENT_AUTH_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
/** docs/upi.md#client-auth-tokens: the merchant setting's default. */
export const DEFAULT_CLIENT_AUTH_TOKEN_MAX_USES = 20;

const TOKEN_FORMAT = /^tkn_[A-Za-z0-9]{32}$/;

export const looksLikeClientAuthToken = (text: string): boolean => TOKEN_FORMAT.test(text);

export const hashClientAuthToken = sha256Hex;

/** Issues a token for an existing customer; `undefined` when the customer was never created. */
export async function issueClientAuthToken(
  env: Env,
  merchant: MerchantRecord,
  customerId: string,
  now: number,
): Promise<{ token: string; expiresAt: number; profile: CustomerProfile } | undefined> {
  const token = `tkn_${randomAlphanumeric(32)}`;
  const tokenHash = await hashClientAuthToken(token);
  const expiresAt = now + CLIENT_AUTH_TOKEN_LIFETIME_MS;
  const { merchantId, incarnation } = merchant;
  const added = await customerObject(env, merchantId, incarnation, customerId).addClientAuthToken(tokenHash, {
    issuedAt: now,
    expiresAt,
    usesLeft: merchant.clientAuthTokenMaxUses,
  });
  if (!added.ok) return undefined;
  // Indexed before the token leaves us: one that cannot be found cannot be revoked either. If this write
  // fails, the request fails and the token, never disclosed, is unusable.
  await clientTokenIndex(env, tokenHash).remember({ merchantId, incarnation, customerId }, expiresAt);
  return { token, expiresAt, profile: added.value };
}

/** Whose token this is, when it is (or recently was) a token we issued. */
export async function clientTokenOwner(
  env: Env,
  token: string,
): Promise<(CustomerRef & { tokenHash: string }) | undefined> {
  if (!looksLikeClientAuthToken(token)) return undefined;
  const tokenHash = await hashClientAuthToken(token);
  const owner = await clientTokenIndex(env, tokenHash).owner();
  return owner && { ...owner, tokenHash };
}

function clientTokenIndex(env: Env, tokenHash: string) {
  return env.UPI_CLIENT_TOKENS.getByName(objectName("upi-client-token", tokenHash));
}

const OWNER = "owner";

/** One issued client auth token's owner, kept until the token expires. */
export class UpiClientToken extends DurableObject<Env> {
  async remember({ merchantId, incarnation, customerId }: CustomerRef, expiresAt: number): Promise<void> {
    this.ctx.storage.kv.put(OWNER, { merchantId, incarnation, customerId } satisfies CustomerRef);
    await this.ctx.storage.setAlarm(expiresAt);
  }

  owner(): CustomerRef | undefined {
    const owner = this.ctx.storage.kv.get<Omit<CustomerRef, "incarnation"> & { incarnation?: string }>(OWNER);
    // Remembered before incarnations existed: the token belongs to the legacy incarnation.
    return owner && { ...owner, incarnation: owner.incarnation ?? LEGACY_INCARNATION };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
