import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { renderAdminFault } from "../../src/admin/errors";
import { renderCprFault } from "../../src/cpr/errors";
import worker from "../../src/index";
import { renderOAuthFault } from "../../src/oauth/errors";
import { renderPortalFault } from "../../src/portal/errors";
import type { FaultRenderer } from "../../src/shared/fault";
import { renderCustomerApiFault, renderUpiFault } from "../../src/upi/errors";
import { failure as cprFailure } from "../cpr/helpers";
import { type PortalUser, provisionUser } from "../portal/support";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, BASE_URL, type CallInit, call, TEST_IP, uid } from "../support/worker";
import {
  type ProvisionedMerchant,
  provisionMerchant,
  rsaKeyPair,
  sign,
  failure as upiFailure,
} from "../upi/support";

/** One tenant of each family plus a second app and merchant whose ids must never leak into another's answers. */
export interface Tenants {
  app: ProvisionedApp;
  otherApp: ProvisionedApp;
  merchant: ProvisionedMerchant;
  otherMerchant: ProvisionedMerchant;
  user: PortalUser;
}

export async function provisionTenants(): Promise<Tenants> {
  const [app, otherApp, merchant, otherMerchant, user] = await Promise.all([
    provisionApp(),
    provisionApp(),
    provisionMerchant(),
    provisionMerchant(),
    provisionUser(),
  ]);
  return { app, otherApp, merchant, otherMerchant, user };
}

/** The ids of the tenants a request is not about. */
export function foreignIds(tenants: Tenants): string[] {
  return [tenants.otherApp.appId, tenants.otherMerchant.merchantId, tenants.otherMerchant.key.merchantKeyId];
}

/** The secrets of every provisioned tenant: none may come back in a refusal. */
export function tenantSecrets(tenants: Tenants): string[] {
  return [
    tenants.app.appKey,
    tenants.otherApp.appKey,
    tenants.merchant.apiKey,
    tenants.otherMerchant.apiKey,
    tenants.user.password,
  ];
}

/** POSTs raw bytes with the given content type (`null`: none). */
export function postRaw(
  path: string,
  body: BodyInit,
  contentType: string | null,
  init: CallInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (contentType !== null) headers.set("Content-Type", contentType);
  return call(path, { ...init, method: "POST", headers, body });
}

export const adminAuth = (): Record<string, string> => ({ Authorization: `Bearer ${env.ADMIN_TOKEN}` });

export const basicAuth = (user: string, password: string): Record<string, string> => ({
  Authorization: `Basic ${btoa(`${user}:${password}`)}`,
});

/** Envelopes of each family, for expected bodies. */
export const envelopes = {
  cpr: (status: number, error: string, errorCode = "invalid_request_body") =>
    cprFailure(status, errorCode, error),
  upi: (errorCode: string, errorMessage: string, requestId = "", action?: string) =>
    upiFailure(requestId, errorCode, errorMessage, action),
  customers: (code: string, errorCode: string, message: string, status = "invalid_request_error") => ({
    status,
    error_code: errorCode,
    error_message: message,
    error_info: { code, category: "USER_ERROR", user_message: message, developer_message: message },
  }),
  oauth: (error: string, description: string) => ({ error, error_description: description }),
  admin: (code: string, message: string) => ({ error: { code, message } }),
  portal: (error: string) => ({ error }),
};

export const faultRenderers: Record<string, FaultRenderer> = {
  cpr: renderCprFault,
  portal: renderPortalFault,
  upi: renderUpiFault,
  customers: renderCustomerApiFault,
  oauth: renderOAuthFault,
  admin: renderAdminFault,
};

/** `n`-deep nesting, `[[[…]]]`. */
export function deepArray(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

/** UTF-16LE bytes of a string (what a client honouring `charset=utf-16` would send). */
export function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    bytes[i * 2] = text.charCodeAt(i) & 0xff;
    bytes[i * 2 + 1] = text.charCodeAt(i) >> 8;
  }
  return bytes;
}

/**
 * An RS256 request-signing key registered for a CPR app
 * (docs/cpr.md#request-signatures), and how to sign with it.
 */
export interface RequestSigner {
  readonly keyId: string;
  /** Headers for `raw` signed at `timestamp`; `message` overrides the signed text. */
  headers(raw: string, timestamp?: number, message?: string): Promise<Record<string, string>>;
}

export async function registerRequestSigner(appId: string): Promise<RequestSigner> {
  const { privateKey, publicKeyPem } = await rsaKeyPair();
  const keyId = uid("key");
  const response = await admin("PUT", `/apps/${appId}/request-keys/${keyId}`, { publicKey: publicKeyPem });
  if (response.status !== 201) throw new Error(`request key not registered: ${response.status}`);
  return {
    keyId,
    async headers(raw, timestamp = Date.now(), message = `${timestamp}.${raw}`) {
      return {
        "X-Key-Id": keyId,
        "X-Timestamp": String(timestamp),
        "X-Signature": await sign(privateKey, message),
      };
    },
  };
}

/** Calls the Worker's fetch directly with a modified env. */
export async function fetchWith(path: string, init: RequestInit, changes: Partial<Env>): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", TEST_IP);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE_URL}${path}`, { ...init, headers }),
    { ...env, ...changes },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}
