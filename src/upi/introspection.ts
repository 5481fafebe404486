import { decodeProtectedHeader } from "jose/decode/protected_header";
import { configStoreFor } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { timedClaims } from "../shared/introspection-claims";
import { issuerOf } from "../shared/issuers";
import { clientTokenOwner, looksLikeClientAuthToken } from "./client-auth-token";
import { customerObject } from "./customer";
import type { CustomerRef } from "./customer-state";
import { findMerchant } from "./merchant";
import { verifySessionToken } from "./session-token";

/**
 * `found` while its merchant exists in its incarnation (docs/storage.md#incarnations): one KV read, served
 * from the isolate cache, before any customer object is touched.
 */
async function ofCurrentMerchant<T extends CustomerRef>(
  env: Env,
  found: T | undefined,
): Promise<T | undefined> {
  if (!found || !isValidId(found.merchantId)) return undefined;
  const merchant = await findMerchant(configStoreFor(env), found.merchantId);
  return merchant?.incarnation === found.incarnation ? found : undefined;
}

const customerOf = (env: Env, { merchantId, incarnation, customerId }: CustomerRef) =>
  customerObject(env, merchantId, incarnation, customerId);

/** UPI session JWTs (docs/tokens.md#revocation): signature, expiry, incarnation and revocation epoch. */
export const upiSessionTokens: TokenFamily = {
  recognises(token) {
    try {
      return decodeProtectedHeader(token).typ === "upi-session+jwt";
    } catch {
      return false;
    }
  },

  async introspect(env, token, now): Promise<LiveToken | undefined> {
    const session = await ofCurrentMerchant(env, await verifySessionToken(env, token, now));
    if (!session || !(await customerOf(env, session).sessionLive(session.epoch, session.sessionId))) {
      return undefined;
    }
    const { exp, iat, sub, iss, aud } = session.payload;
    const { merchantId, customerId } = session;
    return {
      owner: { kind: "merchant", merchantId },
      claims: { token_type: "Bearer", exp, iat, sub, iss, aud, merchantId, customerId },
    };
  },

  // An expired or forged token is already not live: nothing to revoke (RFC 7009 §2.2 answers 200 anyway).
  // docs/upi.md#session-revocation: this session only.
  async revoke(env, token, now) {
    const session = await ofCurrentMerchant(env, await verifySessionToken(env, token, now));
    if (session) await customerOf(env, session).revokeSession(session.sessionId, session.expiresAt, now);
  },
};

/** Client auth tokens (docs/tokens.md#introspection): introspection does not use one. */
export const upiClientAuthTokens: TokenFamily = {
  recognises: looksLikeClientAuthToken,

  async introspect(env, token, now): Promise<LiveToken | undefined> {
    const owner = await ofCurrentMerchant(env, await clientTokenOwner(env, token));
    const status = owner && (await customerOf(env, owner).clientTokenStatus(owner.tokenHash, now));
    if (!owner || !status) return undefined;
    const { merchantId, customerId } = owner;
    return {
      owner: { kind: "merchant", merchantId },
      // docs/tokens.md#metadata: the UPI issuer, like the family's session tokens.
      claims: {
        ...timedClaims("client_auth_token", status, customerId, issuerOf(env, "upi")),
        aud: merchantId,
        merchantId,
        customerId,
      },
    };
  },

  async revoke(env, token) {
    const owner = await ofCurrentMerchant(env, await clientTokenOwner(env, token));
    if (owner) await customerOf(env, owner).revokeClientToken(owner.tokenHash);
  },
};
