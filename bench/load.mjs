// One load run with autocannon: a fixed time at a fixed number of connections.
import autocannon from "autocannon";
import { CLIENT_HEADERS, call } from "./http.mjs";

// Password-hashing routes at 32 connections queue for seconds on a busy 2-core machine.
const REQUEST_TIMEOUT_SECONDS = 30;
/** A health check answered this fast means no backlog of abandoned requests is left in the Worker. */
const IDLE_ANSWER_MS = 50;
const MAX_SETTLE_MS = 30_000;

/** The value at `fraction` (0-1) of an ascending list, nearest rank. */
function percentile(sorted, fraction) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/**
 * Waits until the requests still queued when autocannon stopped are done: the Worker's isolate works
 * through them one by one (password hashing at 32 connections: seconds), and the next run must not
 * pay for them. Health checks queue behind that backlog, so a fast one means it is gone.
 */
async function waitUntilIdle(base) {
  const deadline = Date.now() + MAX_SETTLE_MS;
  while (Date.now() < deadline) {
    const started = performance.now();
    await call(base, "GET", "/healthz");
    if (performance.now() - started < IDLE_ANSWER_MS) return;
  }
}

/**
 * What a route's `prepare` returns (bench/routes.mjs): the request, optional makers of each request's
 * body or extra headers, whether a one-time supply ran out, and a check of one answer (its problem, if any).
 * @typedef {object} Prepared
 * @property {{ method: string, path: string, headers?: Record<string, string>, body?: string }} request
 * @property {() => string} [nextBody]
 * @property {() => Record<string, string>} [nextHeaders]
 * @property {() => boolean} [exhausted]
 * @property {(body: any) => string | undefined} check
 */

/**
 * Drives `request` (method, path, headers, body) for `seconds` at `connections`. `nextBody` and
 * `nextHeaders`, when given, make each request's body (one-time payloads, a new transaction per
 * request) or extra headers (logins rotating over users).
 * Latencies are kept at full precision here: autocannon's own histogram rounds to whole milliseconds.
 * @param {string} base
 * @param {Prepared} prepared
 * @param {{ connections: number, seconds: number }} load
 */
export async function drive(base, { request, nextBody, nextHeaders }, { connections, seconds }) {
  const varied = (built) => ({
    ...(nextBody ? { body: nextBody() } : {}),
    ...(nextHeaders ? { headers: { ...built.headers, ...nextHeaders() } } : {}),
  });
  const latencies = [];
  let responses = 0;
  const instance = autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: REQUEST_TIMEOUT_SECONDS,
    headers: { ...CLIENT_HEADERS },
    requests: [
      {
        method: request.method,
        path: request.path,
        headers: { ...CLIENT_HEADERS, ...request.headers },
        body: request.body,
        ...(nextBody || nextHeaders ? { setupRequest: (built) => ({ ...built, ...varied(built) }) } : {}),
      },
    ],
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    responses += 1;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  await waitUntilIdle(base);
  latencies.sort((a, b) => a - b);
  return {
    rps: responses / result.duration,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    non2xx: result.non2xx,
    /** Connection errors and timeouts. */
    errors: result.errors,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
  };
}
