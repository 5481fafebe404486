import type { JWTPayload } from "jose";
import { issueJwt, verifyJwt } from "../shared/jwt";
import { signingKeyRing } from "../shared/signing-key-ring";

/** SPEC §5: a session token lives 15 minutes. */
export const SESSION_TOKEN_LIFETIME_SECONDS = 15 * 60;

export interface SessionSubject {
  readonly merchantId: string;
  readonly customerId: string;
  /** The bound device the session is for; absent while the customer has no (counting) binding. */
  readonly deviceFingerPrint?: string;
  /** The customer's session revocation epoch when issued: revocation moves the epoch on. */
  readonly epoch: number;
}

/** A UPI session JWT (`typ: upi-session+jwt`, `aud` the merchant, `sub` the customer) and its expiry in ms. */
export async function issueSessionToken(
  env: Env,
  subject: SessionSubject,
  now: number,
): Promise<{ sessionToken: string; expiresAt: number }> {
  const { jwt, payload } = await issueJwt(await signingKeyRing(env), {
    typ: "upi-session+jwt",
    issuer: env.ISSUER,
    audience: subject.merchantId,
    subject: subject.customerId,
    lifetimeSeconds: SESSION_TOKEN_LIFETIME_SECONDS,
    now,
    claims: {
      merchantId: subject.merchantId,
      customerId: subject.customerId,
      ...(subject.deviceFingerPrint === undefined ? {} : { deviceFingerPrint: subject.deviceFingerPrint }),
      rev: subject.epoch,
    },
  });
  return { sessionToken: jwt, expiresAt: payload.exp! * 1000 };
}

export interface VerifiedSession {
  readonly merchantId: string;
  readonly customerId: string;
  readonly epoch: number;
  readonly payload: JWTPayload;
}

/** Checks signature, `typ`, issuer and expiry; the revocation epoch is the caller's to compare. */
export async function verifySessionToken(
  env: Env,
  token: string,
  now: number,
): Promise<VerifiedSession | undefined> {
  const verified = await verifyJwt(await signingKeyRing(env), token, {
    typ: "upi-session+jwt",
    issuer: env.ISSUER,
    now,
  });
  if (!verified.ok) return undefined;
  const { merchantId, customerId, rev, aud, sub } = verified.payload;
  if (typeof merchantId !== "string" || typeof customerId !== "string" || typeof rev !== "number")
    return undefined;
  if (aud !== merchantId || sub !== customerId) return undefined;
  return { merchantId, customerId, epoch: rev, payload: verified.payload };
}
