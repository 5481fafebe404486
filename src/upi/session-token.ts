import { LEGACY_INCARNATION } from "../shared/incarnation";
import { issuerOf } from "../shared/issuers";
import { issueJwt, verifyJwt } from "../shared/jwt";
import { signingKeyRing } from "../shared/signing-key-ring";
import type { CustomerRef } from "./customer-state";

/** docs/upi.md#session-tokens: a session token lives 15 minutes. */
export const SESSION_TOKEN_LIFETIME_SECONDS = 15 * 60;

interface SessionSubject extends CustomerRef {
  /** Absent while the customer has no (counting) binding. */
  readonly deviceFingerPrint?: string;
  /** The customer's session revocation epoch when issued. */
  readonly epoch: number;
}

/** A UPI session JWT (`aud` the merchant, `sub` the customer) and its expiry in ms. */
export async function issueSessionToken(
  env: Env,
  subject: SessionSubject,
  now: number,
): Promise<{ sessionToken: string; expiresAt: number }> {
  const { jwt, payload } = await issueJwt(await signingKeyRing(env), {
    typ: "upi-session+jwt",
    issuer: issuerOf(env, "upi"),
    audience: subject.merchantId,
    subject: subject.customerId,
    lifetimeSeconds: SESSION_TOKEN_LIFETIME_SECONDS,
    now,
    claims: {
      merchantId: subject.merchantId,
      customerId: subject.customerId,
      ...(subject.deviceFingerPrint === undefined ? {} : { deviceFingerPrint: subject.deviceFingerPrint }),
      rev: subject.epoch,
      inc: subject.incarnation,
    },
  });
  return { sessionToken: jwt, expiresAt: payload.exp! * 1000 };
}

/** Checks signature, `typ`, issuer and expiry; incarnation and epoch are the caller's to compare. */
export async function verifySessionToken(env: Env, token: string, now: number) {
  const verified = await verifyJwt(await signingKeyRing(env), token, {
    typ: "upi-session+jwt",
    issuer: issuerOf(env, "upi"),
    now,
  });
  if (!verified.ok) return undefined;
  const { merchantId, customerId, rev, aud, sub, jti, exp } = verified.value;
  // Tokens issued before incarnations existed carry none: they belong to the legacy incarnation.
  const inc = verified.value.inc ?? LEGACY_INCARNATION;
  if (typeof merchantId !== "string" || typeof customerId !== "string" || typeof rev !== "number") {
    return undefined;
  }
  if (typeof jti !== "string" || typeof exp !== "number" || typeof inc !== "string") return undefined;
  if (aud !== merchantId || sub !== customerId) return undefined;
  // One session token is one session, revocable on its own by its `jti`.
  return {
    merchantId,
    incarnation: inc,
    customerId,
    epoch: rev,
    sessionId: jti,
    expiresAt: exp * 1000,
    payload: verified.value,
  };
}
