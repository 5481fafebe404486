import { decodeProtectedHeader } from "jose/decode/protected_header";
import { configStoreFor } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { issuerOf } from "../shared/issuers";
import { clientTokenOwner, looksLikeClientAuthToken } from "./client-auth-token";
import { customerObject } from "./customer";
import { findMerchant } from "./merchant";
import { verifySessionToken } from "./session-token";

/**
 * True while the merchant exists in the given incarnation (docs/storage.md#incarnations): a deleted
 * merchant's tokens are dead, and so are its predecessor's under a re-created id. One KV read, served from
 * the isolate cache, before any customer object is touched.
 */
async function isCurrentMerchant(env: Env, merchantId: string, incarnation: string): Promise<boolean> {
  if (!isValidId(merchantId)) return false;
  return (await findMerchant(configStoreFor(env), merchantId))?.incarnation === incarnation;
}

/**
 * UPI session JWTs (docs/tokens.md#revocation): signature, expiry,
 * the merchant's incarnation and the customer's revocation epoch.
 */
export const upiSessionTokens: TokenFamily = {
  recognises(token) {
    try {
      return decodeProtectedHeader(token).typ === "upi-session+jwt";
    } catch {
      return false;
    }
  },

  async introspect(env, token, now): Promise<LiveToken | undefined> {
    const session = await verifySessionToken(env, token, now);
    if (!session || !(await isCurrentMerchant(env, session.merchantId, session.incarnation)))
      return undefined;
    const customer = customerObject(env, session.merchantId, session.incarnation, session.customerId);
    if (!(await customer.sessionLive(session.epoch, session.sessionId))) return undefined;
    const { exp, iat, sub, iss, aud } = session.payload;
    return {
      owner: { kind: "merchant", merchantId: session.merchantId },
      claims: {
        token_type: "Bearer",
        exp,
        iat,
        sub,
        iss,
        aud,
        merchantId: session.merchantId,
        customerId: session.customerId,
      },
    };
  },

  async revoke(env, token, now) {
    const session = await verifySessionToken(env, token, now);
    // An expired or forged token is already not live: nothing to revoke (RFC 7009 §2.2 answers 200 anyway).
    if (!session || !(await isCurrentMerchant(env, session.merchantId, session.incarnation))) return;
    // docs/upi.md#session-revocation: this session only; the customer's other sessions stay live.
    await customerObject(env, session.merchantId, session.incarnation, session.customerId).revokeSession(
      session.sessionId,
      session.expiresAt,
      now,
    );
  },
};

/**
 * Client auth tokens (docs/tokens.md#introspection): live while their merchant exists in the incarnation that
 * issued them, unexpired and not used up; introspection does not use one.
 */
export const upiClientAuthTokens: TokenFamily = {
  recognises: looksLikeClientAuthToken,

  async introspect(env, token, now): Promise<LiveToken | undefined> {
    const owner = await clientTokenOwner(env, token);
    if (!owner || !(await isCurrentMerchant(env, owner.merchantId, owner.incarnation))) return undefined;
    const status = await customerObject(
      env,
      owner.merchantId,
      owner.incarnation,
      owner.customerId,
    ).clientTokenStatus(owner.tokenHash, now);
    if (!status) return undefined;
    return {
      owner: { kind: "merchant", merchantId: owner.merchantId },
      claims: {
        token_type: "client_auth_token",
        exp: Math.floor(status.expiresAt / 1000),
        iat: Math.floor(status.issuedAt / 1000),
        sub: owner.customerId,
        // docs/tokens.md#metadata: the UPI issuer, like the family's
        // session tokens (its metadata lists this endpoint).
        iss: issuerOf(env, "upi"),
        aud: owner.merchantId,
        merchantId: owner.merchantId,
        customerId: owner.customerId,
      },
    };
  },

  async revoke(env, token) {
    const owner = await clientTokenOwner(env, token);
    if (!owner || !(await isCurrentMerchant(env, owner.merchantId, owner.incarnation))) return;
    await customerObject(env, owner.merchantId, owner.incarnation, owner.customerId).revokeClientToken(
      owner.tokenHash,
    );
  },
};
