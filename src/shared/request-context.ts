import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env";
import { configStoreFor } from "./env";
import { logLine } from "./log";

// Only a well-formed incoming id is echoed, so a caller's text never reaches a header or a log line as it is.
const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Each request's id (docs/http.md#request-ids), config store and one JSON log line. */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const incoming = c.req.header("X-Request-Id");
    const requestId = incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", requestId);
    c.set("logFields", {});
    c.set("config", configStoreFor(c.env));
    const started = Date.now();
    await next();
    c.res.headers.set("X-Request-Id", requestId);
    const status = c.res.status;
    logLine({
      requestId,
      method: c.req.method,
      route: c.req.routePath === "/*" ? "unmatched" : c.req.routePath,
      status,
      outcome: status < 400 ? "ok" : status < 500 ? "denied" : "fault",
      ms: Date.now() - started,
      ...c.get("logFields"),
    });
  };
}

/** Sets these headers on every answer, errors included. */
export function alwaysSet(headers: Readonly<Record<string, string>>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/** Marks a token-bearing response as never cacheable. */
export const noStore = alwaysSet({ "Cache-Control": "no-store" });
