import { env, exports } from "cloudflare:workers";

export const BASE_URL = "https://authedge.test";
/** The address tests call from unless they say otherwise; demo allowlists admit it. */
export const TEST_IP = "203.0.113.10";

export interface CallInit extends RequestInit {
  /** Sent as `CF-Connecting-IP`; `null` sends no such header. */
  ip?: string | null;
}

/** Calls the real Worker's `fetch` with real bindings, as a client at `ip` would. */
export function call(path: string, init: CallInit = {}): Promise<Response> {
  const { ip = TEST_IP, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (ip !== null && !headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", ip);
  return exports.default.fetch(new Request(`${BASE_URL}${path}`, { ...rest, headers }));
}

/** POSTs a JSON body (any value, serialised as given). */
export function postJson(path: string, body: unknown, init: CallInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json");
  return call(path, { ...init, method: "POST", headers, body: JSON.stringify(body) });
}

/** Calls the admin API with the admin token (and any extra headers, such as `If-Match`). */
export function admin(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const headers = new Headers({ ...extraHeaders, Authorization: `Bearer ${env.ADMIN_TOKEN}` });
  if (body !== undefined) headers.set("Content-Type", "application/json");
  return call(`/admin/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A fresh id per test: storage is isolated per file, not per test. */
export function uid(prefix: string): string {
  return `${prefix}-${crypto.randomUUID()}`;
}

/** The response body as JSON, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: typed loosely on purpose, for assertions
export async function json(response: Response): Promise<any> {
  return response.json();
}

/** Every key in CONFIG, across pages: what a rejected request must leave unchanged. */
export async function configKeys(): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.CONFIG.list({ cursor });
    names.push(...page.keys.map((key) => key.name));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return names;
}
