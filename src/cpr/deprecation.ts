import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../shared/env";

/**
 * The headers of the deprecated CPR routes (docs/cpr.md#deprecated-unique-id-route): the routes set them, the
 * OpenAPI document shows the same values as its examples.
 */

export const SUCCESSOR_LINK = '</v2/auth/token>; rel="successor-version"';
// RFC 9745 `Deprecation` (a date as `@<unix seconds>`: 2026-01-01) and RFC 8594 `Sunset`.
export const DEPRECATED_SINCE = "@1767225600";
export const UNIQUE_ID_SUNSET = "Thu, 01 Jul 2027 00:00:00 GMT";

/** Adds deprecation headers to every response of a route, errors included. */
export function deprecation(headers: Record<string, string>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
