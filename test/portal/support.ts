import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { portalUserObject } from "../../src/portal/sessions";
import { admin, type CallInit, call, json, uid } from "../support/worker";

export interface PortalUser {
  orgId: number;
  email: string;
  password: string;
}

/** Creates an org through the admin API and returns its admin view. */
// biome-ignore lint/suspicious/noExplicitAny: read loosely by assertions, like `json()`
export async function provisionOrg(fields: Record<string, unknown> = {}): Promise<any> {
  const response = await admin("POST", "/orgs", { name: uid("org"), ...fields });
  expect(response.status).toBe(201);
  return json(response);
}

/** Creates an org (with `orgFields`) and one user in it; each call uses fresh ids. */
export async function provisionUser(orgFields: Record<string, unknown> = {}): Promise<PortalUser> {
  const org = await provisionOrg(orgFields);
  const email = `${uid("user")}@example.com`;
  const password = `Pw-${crypto.randomUUID()}`;
  const response = await admin("POST", `/orgs/${org.id}/users`, { email, password });
  expect(response.status).toBe(201);
  return { orgId: org.id, email, password };
}

/** Logs in through `/api_auth` with header credentials, as the seed's curl does. */
export function login(
  credentials: { email?: string; password?: string },
  options: { refresh?: string; method?: string; init?: CallInit } = {},
): Promise<Response> {
  const headers = new Headers(options.init?.headers);
  if (credentials.email !== undefined) headers.set("X-User-Email", credentials.email);
  if (credentials.password !== undefined) headers.set("X-User-Password", credentials.password);
  const query = options.refresh === undefined ? "" : `?refresh_token=${options.refresh}`;
  return call(`/api_auth${query}`, { method: options.method ?? "POST", ...options.init, headers });
}

/** The token of a successful login. */
export async function tokenOf(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  return (await json(response)).token;
}

/** Asks `/api_auth/session` about a token. */
export function checkSession(token: string): Promise<Response> {
  return call("/api_auth/session", { headers: { "X-Optimus-API-Key": token } });
}

/** What a user's `PortalUser` object holds right now. */
export function userObjectState(
  email: string,
  // biome-ignore lint/suspicious/noExplicitAny: the stored shapes are read loosely by assertions
): Promise<{ sessions?: any; lockout?: any; credentialVersion?: number }> {
  return runInDurableObject(portalUserObject(env, email), (_instance, state) => ({
    sessions: state.storage.kv.get("sessions"),
    lockout: state.storage.kv.get("lockout"),
    credentialVersion: state.storage.kv.get<number>("credentialVersion"),
  }));
}

/** Tokens from these responses that `/api_auth/session` still accepts. */
export async function liveTokens(tokens: string[]): Promise<string[]> {
  const statuses = await Promise.all(tokens.map(async (token) => (await checkSession(token)).status));
  return tokens.filter((_token, index) => statuses[index] === 200);
}

export const INVALID_CREDENTIALS = { error: "Invalid email or password" };
