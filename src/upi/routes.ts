import { MERCHANT_KEYS, merchantKeyRecordId } from "../shared/config-records";
import { sha256Hex } from "../shared/crypto";
import { type AppContext, annotate } from "../shared/env";
import { readBody } from "../shared/request-body";
import { fail, type Result } from "../shared/result";
import { contractRoutes } from "../shared/route";
import { hashClientAuthToken, looksLikeClientAuthToken } from "./client-auth-token";
import { processContract } from "./contract";
import { customerObject, type SessionAnswer } from "./customer";
import { echoOf, SERVICE } from "./envelope";
import { invalidInput, type ProcessReason, upiFailure } from "./errors";
import { findMerchant, merchantAdmits } from "./merchant";
import type { ClientTokenAuth, SignatureAuth } from "./schema";
import {
  checkTimestamp,
  DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
  decodeSignature,
  parseSignedPayload,
  redemptionKeptUntil,
  verifyMerchantSignature,
} from "./signature";

type Outcome = Result<SessionAnswer, ProcessReason>;

/**
 * Signature mode (docs/upi.md#signature-mode), cheap checks first, then RSA, the IP allowlist and one call
 * to the customer's object (replay check and state together). Until the signature verified, an unknown
 * merchant reads like one with defaults and no keys, and an address outside the allowlist is not told apart
 * (docs/upi.md#uniform-failures). No budget is charged: one RSA verification (at most 8192 bits, its length
 * checked first) costs less than a counter round trip (docs/operations.md#rate-limits).
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
  if (!signature) return invalidInput("payload.signature must be base64");
  const { merchantId, customerId, timestamp, customerMobileNumber } = signed.value;
  annotate(c, { merchantId, merchantKeyId: auth.merchantKeyId });
  const config = c.get("config");
  const [merchant, key] = await Promise.all([
    findMerchant(config, merchantId),
    config.get(MERCHANT_KEYS, merchantKeyRecordId(merchantId, auth.merchantKeyId)),
  ]);
  const maxAgeSeconds = merchant?.signatureMaxAgeSeconds ?? DEFAULT_SIGNATURE_MAX_AGE_SECONDS;
  const window = checkTimestamp(timestamp, now, maxAgeSeconds);
  if (window !== "in_window") return fail({ code: window });
  if (!merchant) return fail({ code: "unknown_merchant" });
  // A key left by an earlier merchant under this id is as unknown as any other (docs/storage.md#incarnations).
  if (!key || key.incarnation !== merchant.incarnation) return fail({ code: "unknown_key" });
  if (key.status !== "active") return fail({ code: "retired_key" });
  if (!(await verifyMerchantSignature(key.publicKeyPem, key.modulusBits, signature, auth.signaturePayload))) {
    return fail({ code: "bad_signature" });
  }
  // docs/upi.md#uniform-failures: BAD_ORIGIN only for a caller whose credentials verified.
  if (!merchantAdmits(merchant, c.req.raw.headers)) return fail({ code: "ip_not_allowed" });
  const { incarnation } = merchant;
  return customerObject(c.env, merchantId, incarnation, customerId).sessionForSignedPayload(
    await sha256Hex(auth.signaturePayload),
    requestId,
    redemptionKeptUntil(timestamp),
    { merchantId, incarnation, customerId, prefix: merchant.prefix, askedMobile: customerMobileNumber, now },
  );
}

/**
 * Client-auth-token mode: the token is checked before the IP allowlist, so BAD_ORIGIN is answered only to
 * a caller holding a valid token, and a refused origin uses nothing up (docs/upi.md#uniform-failures).
 */
async function sessionByClientToken(c: AppContext, auth: ClientTokenAuth, now: number): Promise<Outcome> {
  const { merchantId, customerId, clientAuthToken } = auth;
  annotate(c, { merchantId });
  const merchant = await findMerchant(c.get("config"), merchantId);
  if (!merchant || !looksLikeClientAuthToken(clientAuthToken)) return fail({ code: "client_token_unknown" });
  // The current incarnation's object: a re-created merchant's old token is unknown there (docs/upi.md#lifecycle).
  const { incarnation } = merchant;
  return customerObject(c.env, merchantId, incarnation, customerId).sessionForClientToken(
    await hashClientAuthToken(clientAuthToken),
    { merchantId, incarnation, customerId, prefix: merchant.prefix, now },
    merchantAdmits(merchant, c.req.raw.headers),
  );
}

/** The UPI family's `POST /hyperapi/process` (seed 000); Juspay's Customer API is `customersApi`. */
const { app: upiRoutes, route } = contractRoutes(processContract, {
  loadSchemas: () => import("./schema"),
  // No route here validates through the registrar: the body is read by hand, in the order of docs/upi.md#envelope.
  renderIssue: (issue, c) =>
    upiFailure(c, { code: "invalid_input", message: issue.message }, echoOf(undefined)),
});

route("processUpiSessionToken", async (c, reply) => {
  const now = Date.now();
  const body = await readBody(c.req.raw);
  const json = body.ok && body.value.kind === "json" ? body.value.value : undefined;
  const echo = echoOf(json);
  if (!body.ok) return upiFailure(c, { code: body.reason }, echo);
  // docs/architecture.md#startup: the envelope's schemas load on the first request.
  const { parseProcessRequest } = await import("./schema");
  const parsed = parseProcessRequest(json);
  if (!parsed.ok) return upiFailure(c, parsed.reason, echo);
  const request = parsed.value;
  annotate(c, { action: request.action, mode: request.mode });
  const outcome =
    request.mode === "signature"
      ? await sessionBySignature(c, request.requestId, request.auth, now)
      : await sessionByClientToken(c, request.auth, now);
  if (!outcome.ok) return upiFailure(c, outcome.reason, echo);
  annotate(c, { customerStatus: outcome.value.status });
  return reply({
    requestId: request.requestId,
    service: SERVICE,
    payload: {
      action: request.action,
      ...outcome.value,
      ...(request.auth.otherInfo === undefined ? {} : { otherInfo: request.auth.otherInfo }),
    },
    error: false,
    errorMessage: "",
    errorCode: "",
    event: "process_result",
  });
});

export { upiRoutes };
