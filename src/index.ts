import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { adminRoutes } from "./admin/routes";
import { cprRoutes } from "./cpr/routes";
import type { AppEnv } from "./env";
import { annotate } from "./env";
import { faultRendererFor } from "./families";
import { jwksRoutes } from "./oauth/jwks";
import { oauthRoutes } from "./oauth/routes";
import { openApiRoutes } from "./openapi/routes";
import { portalRoutes } from "./portal/routes";
import { allowedMethodsResolver } from "./shared/allowed-methods";
import { errorResponse, isOverloaded } from "./shared/fault";
import { requestContext } from "./shared/request-context";
import { upiRoutes } from "./upi/routes";

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const app = new Hono<AppEnv>();

app.use(requestContext());
// SPEC §2: over-size bodies are refused before anything parses them. The limit is a var, known
// only once a request arrives, so the middleware is built on the first request and kept.
let limitBody: MiddlewareHandler<AppEnv> | undefined;
app.use((c, next) => {
  limitBody ??= bodyLimit({
    maxSize: Number(c.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY_BYTES,
    onError: (ctx) => errorResponse(faultRendererFor(ctx.req.path)("payload_too_large")),
  });
  return limitBody(c, next);
});

app.get("/healthz", (c) => c.json({ status: "ok" }));
app.route("/", jwksRoutes);
app.route("/", openApiRoutes);
app.route("/admin/v1", adminRoutes);
app.route("/api_auth", portalRoutes);
app.route("/", cprRoutes);
app.route("/", upiRoutes);
app.route("/oauth", oauthRoutes);

const allowedMethods = allowedMethodsResolver(app);

app.notFound((c) => {
  const render = faultRendererFor(c.req.path);
  const allow = allowedMethods(c.req.path);
  if (allow.length === 0) return errorResponse(render("not_found"));
  const wire = render("method_not_allowed");
  return errorResponse({ ...wire, headers: { ...wire.headers, Allow: allow.join(", ") } });
});

app.onError((error, c) => {
  const render = faultRendererFor(c.req.path);
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON from the validator, an over-size streamed body.
    annotate(c, { reason: `http_${error.status}` });
    return errorResponse(render(error.status === 413 ? "payload_too_large" : "malformed_json"));
  }
  const overloaded = isOverloaded(error);
  // The details go to the log only; the body is the family's fixed 500/503 (SPEC §2).
  annotate(c, {
    fault: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "non-error thrown",
  });
  return errorResponse(render(overloaded ? "unavailable" : "internal"));
});

export default app;
export { Tenant } from "./admin/tenant";
export { CprTransaction } from "./cpr/transaction";
export { Sequence } from "./portal/sequence";
export { PortalToken } from "./portal/token";
export { PortalUser } from "./portal/user";
export { RateLimiter } from "./shared/rate-limit";
export { UpiClientToken } from "./upi/client-auth-token";
export { UpiCustomer } from "./upi/customer";
