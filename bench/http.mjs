// The few plain HTTP calls the bench makes outside the load runs (provisioning, token fetches, probes).

/**
 * Local requests carry the client address themselves: Miniflare, unlike `wrangler dev`, is not
 * guaranteed to add `CF-Connecting-IP`, and the Worker reads the address from nowhere else
 * (docs/http.md#client-ip).
 */
export const CLIENT_HEADERS = Object.freeze({ "CF-Connecting-IP": "127.0.0.1" });

const CALL_TIMEOUT_MS = 30_000;

/**
 * Sends one request; the answer's body is parsed as JSON when it is JSON.
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {{ headers?: Record<string, string>, body?: string }} [options]
 * @returns {Promise<{ status: number, body: any }>} `body`: the parsed JSON, or the text
 */
export async function call(base, method, path, { headers = {}, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...CLIENT_HEADERS, ...headers },
    body,
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  /** @type {any} */
  let parsed = text;
  if ((response.headers.get("Content-Type") ?? "").includes("json") && text) parsed = JSON.parse(text);
  return { status: response.status, body: parsed };
}

/**
 * `call`, failing unless the answer has the expected status.
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {number} expectedStatus
 * @param {{ headers?: Record<string, string>, body?: string }} [options]
 * @returns {Promise<any>} the answer's body (parsed JSON, or the text)
 */
export async function expectCall(base, method, path, expectedStatus, options) {
  const answer = await call(base, method, path, options);
  if (answer.status !== expectedStatus) {
    const shown = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    throw new Error(
      `${method} ${path} answered ${answer.status}, expected ${expectedStatus}: ${shown.slice(0, 300)}`,
    );
  }
  return answer.body;
}

/** A JSON request body with its content type. */
export function jsonBody(value, headers = {}) {
  return { headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(value) };
}
