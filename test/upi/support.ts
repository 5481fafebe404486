import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLocalJWKSet, type JWTPayload, jwtVerify } from "jose";
import { expect } from "vitest";
import { customerObject } from "../../src/upi/customer";
import { pem } from "../support/keys";
import { incarnationOf } from "../support/tenants";
import { admin, call, json, postJson, uid } from "../support/worker";

export const SERVICE = "in.juspay.hyperapi";

export interface MerchantKey {
  readonly merchantKeyId: string;
  readonly privateKey: CryptoKey;
  readonly publicKeyPem: string;
}

export interface ProvisionedMerchant {
  readonly merchantId: string;
  readonly apiKey: string;
  readonly key: MerchantKey;
  /**
   * The incarnation the merchant was created with: its customer
   * objects are named with it (docs/storage.md#incarnations).
   */
  readonly incarnation: string;
}

/** A merchant and the incarnation whose customer objects are meant. */
export type MerchantIncarnation = Pick<ProvisionedMerchant, "merchantId" | "incarnation">;

const RSA = { name: "RSASSA-PKCS1-v1_5", publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };

/** A fresh RSA key pair: the private CryptoKey and the SPKI and PKCS#8 PEMs. */
export async function rsaKeyPair(modulusLength = 2048) {
  const pair = (await crypto.subtle.generateKey({ ...RSA, modulusLength }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    publicKeyPem: pem("PUBLIC KEY", (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer),
    privateKeyPem: pem(
      "PRIVATE KEY",
      (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer,
    ),
  };
}

/** Registers a fresh RSA-2048 key for the merchant through the admin API. */
export async function registerKey(merchantId: string, merchantKeyId = uid("key")): Promise<MerchantKey> {
  const pair = await rsaKeyPair();
  const response = await admin("PUT", `/merchants/${merchantId}/keys/${merchantKeyId}`, {
    publicKey: pair.publicKeyPem,
  });
  expect(response.status).toBe(201);
  return { merchantKeyId, privateKey: pair.privateKey, publicKeyPem: pair.publicKeyPem };
}

/** Creates a merchant (and one signing key) through the admin API. */
export async function provisionMerchant(
  settings: Record<string, unknown> = {},
): Promise<ProvisionedMerchant> {
  const merchantId = typeof settings.merchantId === "string" ? settings.merchantId : uid("m");
  const response = await admin("POST", "/merchants", { ...settings, merchantId });
  expect(response.status).toBe(201);
  const body = await json(response);
  return {
    merchantId,
    apiKey: body.apiKey ?? settings.apiKey,
    key: await registerKey(merchantId),
    incarnation: await incarnationOf("merchant", merchantId),
  };
}

/** Standard base64 of an RSA-SHA256 signature over the exact UTF-8 bytes of `text`. */
export async function sign(privateKey: CryptoKey, text: string): Promise<string> {
  const signature = await crypto.subtle.sign(RSA.name, privateKey, new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}

export interface SignedOptions {
  customerId?: string;
  mobile?: string;
  timestamp?: number | string;
  requestId?: string;
  action?: string;
  key?: MerchantKey;
  /** Replaces the signed text (the signature still covers it). */
  signaturePayload?: string;
  extra?: Record<string, unknown>;
}

/** The text a merchant's server signs. */
export function signedText(merchantId: string, options: SignedOptions): string {
  return (
    options.signaturePayload ??
    JSON.stringify({
      merchant_id: merchantId,
      customer_id: options.customerId ?? "cust-1",
      timestamp: String(options.timestamp ?? Date.now()),
      ...(options.mobile === undefined ? {} : { customer_mobile_number: options.mobile }),
    })
  );
}

/** A complete signature-mode request body, as a merchant backend following Juspay's docs builds it. */
export async function signedBody(merchant: ProvisionedMerchant, options: SignedOptions = {}) {
  const key = options.key ?? merchant.key;
  const signaturePayload = signedText(merchant.merchantId, options);
  return {
    requestId: options.requestId ?? crypto.randomUUID(),
    service: SERVICE,
    payload: {
      action: options.action ?? "upiGetSessionToken",
      merchantKeyId: key.merchantKeyId,
      signaturePayload,
      signature: await sign(key.privateKey, signaturePayload),
      ...options.extra,
    },
  };
}

/** A client-auth-token-mode request body, as a merchant's app sends it. */
export function clientTokenBody(
  merchantId: string,
  customerId: string,
  clientAuthToken: string,
  extra: Record<string, unknown> = {},
) {
  return {
    requestId: crypto.randomUUID(),
    service: SERVICE,
    payload: { action: "upiGetSessionToken", merchantId, customerId, clientAuthToken, ...extra },
  };
}

export function processCall(body: unknown, ip?: string): Promise<Response> {
  return postJson("/hyperapi/process", body, ip === undefined ? {} : { ip });
}

/** A Customer API call: a form or JSON body (POST unless `method` says), headers over the merchant's. */
export interface CustomerApiInit {
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
}

/** Calls the Customer API (docs/upi.md#customer-api) as the merchant: its key in Basic auth and `x-merchantid`. */
export function customerApiCall(
  merchant: Pick<ProvisionedMerchant, "merchantId" | "apiKey">,
  path: string,
  init: CustomerApiInit = {},
): Promise<Response> {
  const headers = new Headers({
    Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}`,
    "x-merchantid": merchant.merchantId,
    ...init.headers,
  });
  let body: string | undefined;
  if (init.form) {
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers.set("Content-Type", "application/json");
    body = JSON.stringify(init.json);
  }
  return call(path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body });
}

/** The customer's object, for reading the state a request left behind. */
export function customerStub(merchant: MerchantIncarnation, customerId: string) {
  return customerObject(env, merchant.merchantId, merchant.incarnation, customerId);
}

/** Every storage key the customer's object holds. */
export function storedKeys(merchant: MerchantIncarnation, customerId: string): Promise<string[]> {
  return runInDurableObject(customerStub(merchant, customerId), (_instance, state) =>
    [...state.storage.kv.list()].map(([key]) => key),
  );
}

/** The seed's failure envelope. */
export function failure(requestId: string, errorCode: string, errorMessage: string, action?: string) {
  return {
    requestId,
    service: SERVICE,
    payload: action === undefined ? { status: "FAILURE" } : { action, status: "FAILURE" },
    error: true,
    errorMessage,
    errorCode,
    event: "process_result",
  };
}

/** Verifies a session token against the served `/.well-known/jwks.json`. */
export async function verifiedSession(sessionToken: string, merchantId: string): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(await json(await call("/.well-known/jwks.json")));
  const { payload, protectedHeader } = await jwtVerify(sessionToken, jwks, {
    issuer: `${env.ISSUER}/upi`,
    audience: merchantId,
    typ: "upi-session+jwt",
  });
  expect(protectedHeader.typ).toBe("upi-session+jwt");
  return payload;
}

export const DEMO_ACCOUNT = {
  bankCode: "500001",
  bankName: "Demo Bank",
  maskedAccountNumber: "XXXXXX1234",
  mpinLength: "6",
  mpinSet: "true",
  referenceId: "ref-1",
  otpLength: "6",
  atmPinLength: "4",
  type: "SAVINGS",
  branchName: "Main",
  bankAccountUniqueId: "uniq-1",
  ifsc: "DEMO0000001",
  isPrimary: "true",
  name: "Jane Doe",
};

/** Binds a device (and optionally links accounts) through the admin API. */
export async function bindDevice(
  merchantId: string,
  customerId: string,
  device: { deviceFingerPrint?: string; mobileNumber?: string; activated?: boolean } = {},
  vpaAccounts?: unknown,
): Promise<void> {
  const bound = await admin("PUT", `/merchants/${merchantId}/customers/${customerId}/device`, {
    deviceFingerPrint: device.deviceFingerPrint ?? "fp-1",
    mobileNumber: device.mobileNumber ?? "919876543210",
    activated: device.activated ?? true,
  });
  expect(bound.status).toBe(200);
  if (vpaAccounts !== undefined) {
    const linked = await admin(
      "PUT",
      `/merchants/${merchantId}/customers/${customerId}/vpa-accounts`,
      vpaAccounts,
    );
    expect(linked.status).toBe(200);
  }
}
