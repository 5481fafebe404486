import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { expect } from "vitest";
import { type TransactionState, transactionStub } from "../../src/cpr/transaction";
import { incarnationOf, type ProvisionedApp } from "../support/tenants";
import { type CallInit, call, json, postJson, uid } from "../support/worker";

export const AUTH_TOKEN = "/v2/auth/token";
export const LEGACY_AUTH_TOKEN = "/v2/generate-auth-token";
export const UNIQUE_ID = "/v2/generate-unique-id";

/** The seed's failure envelope. */
export function failure(statusCode: number, errorCode: string, error: string) {
  return { statusCode, status: "failure", error, errorCode };
}

export const UNAUTHORIZED = failure(401, "unauthorized_access", "IP not whitelisted or authorization failed");
export const CONFLICT = failure(409, "unique_id_conflict", "Unique ID conflict for this transaction");
export const badBody = (error: string) => failure(400, "invalid_request_body", error);

/** A valid `/v2/auth/token` body for the app, with a fresh transactionId. */
export function tokenBody(
  app: Omit<ProvisionedApp, "incarnation">,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    appId: app.appId,
    appKey: app.appKey,
    transactionId: uid("txn"),
    workflowId: app.workflowId,
    ...overrides,
  };
}

export function requestToken(body: unknown, init?: CallInit): Promise<Response> {
  return postJson(AUTH_TOKEN, body, init);
}

/** POSTs a raw body with the given content type. */
export function postRaw(path: string, body: string, contentType: string | null, init: CallInit = {}) {
  const headers = new Headers(init.headers);
  if (contentType !== null) headers.set("Content-Type", contentType);
  return call(path, { ...init, method: "POST", headers, body });
}

/**
 * What the transaction's Durable Object holds (`undefined`: nothing was written), in the app's current
 * incarnation unless another one is named.
 */
export async function stateOf(
  appId: string,
  transactionId: string,
  incarnation?: string,
): Promise<TransactionState | undefined> {
  const stub = transactionStub(env, appId, incarnation ?? (await incarnationOf("app", appId)), transactionId);
  return runInDurableObject(stub, (_instance, state) => state.storage.kv.get<TransactionState>("state"));
}

/** The JWKS the Worker serves, as jose's local key set. */
export async function servedJwks() {
  const response = await call("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  return createLocalJWKSet(await json(response));
}

/** Verifies `Bearer <jwt>` against the served JWKS and returns the payload. */
export async function verifiedClaims(authorization: string, audience: string): Promise<JWTPayload> {
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  const jwt = authorization.slice("Bearer ".length);
  expect(decodeProtectedHeader(jwt)).toMatchObject({ typ: "cpr+jwt", alg: "ES256", kid: "test-es256" });
  const { payload } = await jwtVerify(jwt, await servedJwks(), {
    issuer: `${env.ISSUER}/cpr`,
    audience,
    typ: "cpr+jwt",
  });
  return payload;
}

/** Requests a token and returns its verified claims and the response body. */
export async function grantedToken(
  app: Omit<ProvisionedApp, "incarnation">,
  overrides: Record<string, unknown> = {},
) {
  const body = tokenBody(app, overrides);
  const response = await requestToken(body);
  const answer = await json(response);
  expect(response.status, JSON.stringify(answer)).toBe(200);
  const claims = await verifiedClaims(answer.result.authToken, app.appId);
  return { body, answer, claims, transactionId: body.transactionId as string };
}
