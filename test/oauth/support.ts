import { env } from "cloudflare:workers";
import { type CallInit, call } from "../support/worker";

export type OAuthAuth =
  | { admin: true }
  | { basic: [string, string] }
  | { portalToken: string }
  | { bearer: string }
  | null;

function authHeaders(auth: OAuthAuth): Record<string, string> {
  if (auth === null) return {};
  if ("admin" in auth) return { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  if ("bearer" in auth) return { Authorization: `Bearer ${auth.bearer}` };
  if ("basic" in auth) return { Authorization: `Basic ${btoa(`${auth.basic[0]}:${auth.basic[1]}`)}` };
  return { "X-Optimus-API-Key": auth.portalToken };
}

/** Calls `/oauth/<endpoint>` with a form body, as RFC 7662/7009 clients do. */
export function oauthForm(
  endpoint: "introspect" | "revoke",
  auth: OAuthAuth,
  params: Record<string, string>,
  init: CallInit = {},
) {
  return call(`/oauth/${endpoint}`, {
    ...init,
    method: "POST",
    headers: { ...authHeaders(auth), "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
}

/** Calls `/oauth/<endpoint>` with a JSON body. */
export function oauthJson(endpoint: "introspect" | "revoke", auth: OAuthAuth, body: unknown) {
  return call(`/oauth/${endpoint}`, {
    method: "POST",
    headers: { ...authHeaders(auth), "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}
