import { Hono } from "hono";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import { MERCHANT_KEYS, merchantKeyRecordId } from "../shared/config-records";
import { sha256Hex } from "../shared/crypto";
import { errorResponse } from "../shared/fault";
import { admitExpensiveWork } from "../shared/rate-limit";
import { noStore } from "../shared/request-context";
import { hashClientAuthToken, looksLikeClientAuthToken } from "./client-auth-token";
import { customerObject, type SessionAnswer } from "./customer";
import { customersApi } from "./customers-api";
import { type ProcessReason, processError } from "./errors";
import { findMerchant, merchantAdmits } from "./merchant";
import { readJsonBody } from "./request-body";
import {
  type ClientTokenAuth,
  echoOf,
  type ProcessRequest,
  parseProcessRequest,
  SERVICE,
  type SignatureAuth,
} from "./schema";
import {
  checkTimestamp,
  decodeSignature,
  parseSignedPayload,
  redemptionKeptUntil,
  verifyMerchantSignature,
} from "./signature";

type Outcome = { ok: true; value: SessionAnswer } | { ok: false; reason: ProcessReason };

const refuse = (reason: ProcessReason): Outcome => ({ ok: false, reason });

/**
 * Signature mode (SPEC §5), cheap checks first: the signed JSON, the signature's encoding, the
 * merchant and its IP allowlist, the timestamp window and the key; only then RSA, and then one call
 * to the customer's object that checks the replay and reads the state together.
 */
async function sessionBySignature(
  c: AppContext,
  requestId: string,
  auth: SignatureAuth,
  now: number,
): Promise<Outcome> {
  const signed = parseSignedPayload(auth.signaturePayload);
  if (!signed.ok) return signed;
  const signature = decodeSignature(auth.signature);
  if (!signature) return refuse({ code: "invalid_input", message: "payload.signature must be base64" });
  const { merchantId, customerId, timestamp, customerMobileNumber } = signed.value;
  annotate(c, { merchantId, merchantKeyId: auth.merchantKeyId });
  const config = c.get("config");
  const [merchant, key] = await Promise.all([
    findMerchant(config, merchantId),
    config.get(MERCHANT_KEYS, merchantKeyRecordId(merchantId, auth.merchantKeyId)),
  ]);
  if (!merchant) return refuse({ code: "unknown_merchant" });
  if (!merchantAdmits(merchant, c.req.raw.headers)) return refuse({ code: "ip_not_allowed" });
  const window = checkTimestamp(timestamp, now, merchant.signatureMaxAgeSeconds);
  if (window !== "in_window") return refuse({ code: window });
  // SPEC §10: a key copy left by an ended merchant (KV delay) is unknown to the merchant's successor.
  if (!key || key.incarnation !== merchant.incarnation) return refuse({ code: "unknown_key" });
  if (key.status !== "active") return refuse({ code: "retired_key" });
  // SPEC §9: the rate limits sit between the cheap checks above and RSA (README, "Rate limits").
  const admitted = await admitExpensiveWork(
    c.env,
    c.req.raw.headers,
    { kind: "upi-signature", merchantId, merchantKeyId: auth.merchantKeyId },
    now,
  );
  if (!admitted.ok) return refuse({ code: "rate_limited", retryAfterSeconds: admitted.retryAfterSeconds });
  if (!(await verifyMerchantSignature(key.publicKeyPem, key.modulusBits, signature, auth.signaturePayload))) {
    return refuse({ code: "bad_signature" });
  }
  const session = await customerObject(c.env, merchantId, customerId).sessionForSignedPayload(
    await sha256Hex(auth.signaturePayload),
    requestId,
    redemptionKeptUntil(timestamp),
    { merchantId, customerId, prefix: merchant.prefix, askedMobile: customerMobileNumber, now },
  );
  return session.ok ? session : refuse({ code: session.reason });
}

/** Client-auth-token mode (SPEC §5): the token must be this customer's, live and not used up. */
async function sessionByClientToken(c: AppContext, auth: ClientTokenAuth, now: number): Promise<Outcome> {
  const { merchantId, customerId, clientAuthToken } = auth;
  annotate(c, { merchantId });
  const merchant = await findMerchant(c.get("config"), merchantId);
  if (!merchant) return refuse({ code: "client_token_unknown" });
  if (!merchantAdmits(merchant, c.req.raw.headers)) return refuse({ code: "ip_not_allowed" });
  if (!looksLikeClientAuthToken(clientAuthToken)) return refuse({ code: "client_token_unknown" });
  const session = await customerObject(c.env, merchantId, customerId).sessionForClientToken(
    await hashClientAuthToken(clientAuthToken),
    { merchantId, customerId, prefix: merchant.prefix, now },
  );
  return session.ok ? session : refuse({ code: session.reason });
}

function processSuccess(request: ProcessRequest, answer: SessionAnswer) {
  return {
    requestId: request.requestId,
    service: SERVICE,
    payload: {
      action: request.action,
      ...answer,
      ...(request.otherInfo === undefined ? {} : { otherInfo: request.otherInfo }),
    },
    error: false,
    errorMessage: "",
    errorCode: "",
    event: "process_result",
  };
}

/** The UPI family: `POST /hyperapi/process` (seed 000) and Juspay's Customer API. */
export const upiRoutes = new Hono<AppEnv>()
  .post("/hyperapi/process", noStore, async (c) => {
    const now = Date.now();
    const body = await readJsonBody(c.req.raw);
    const echo = echoOf(body.ok ? body.value : undefined);
    const fail = (reason: ProcessReason) => {
      annotate(c, { reason: reason.code });
      return errorResponse(processError(reason, echo));
    };
    if (!body.ok) return fail({ code: "invalid_input", message: "Request body is not valid JSON" });
    const parsed = parseProcessRequest(body.value);
    if (!parsed.ok) return fail(parsed.reason);
    const request = parsed.value;
    annotate(c, { action: request.action, mode: request.mode });
    const outcome =
      request.mode === "signature"
        ? await sessionBySignature(c, request.requestId, request.auth, now)
        : await sessionByClientToken(c, request.auth, now);
    if (!outcome.ok) return fail(outcome.reason);
    annotate(c, { customerStatus: outcome.value.status });
    return c.json(processSuccess(request, outcome.value));
  })
  .route("/customers", customersApi);
