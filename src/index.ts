import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { FAMILIES, faultRendererFor } from "./families";
import { publicDocumentRoutes } from "./oauth/public-documents";
import { allowedMethodsResolver } from "./shared/allowed-methods";
import type { AppEnv } from "./shared/env";
import { annotate } from "./shared/env";
import { errorResponse, isOverloaded } from "./shared/fault";
import { faultText } from "./shared/log";
import { requestContext } from "./shared/request-context";
import { scheduled } from "./shared/signing-key-schedule";
import { varsOf } from "./shared/vars";

const app = new Hono<AppEnv>();
// Reads the route table on first use, once every route below is registered.
const allowedMethods = allowedMethodsResolver(app);

function methodNotAllowed(path: string, allow: readonly string[]): Response {
  const wire = faultRendererFor(path)("method_not_allowed");
  return errorResponse({ ...wire, headers: { ...wire.headers, Allow: allow.join(", ") } });
}

app.use(requestContext());
// docs/http.md#checked-vars: before any route reads or writes state; a bad var is the family's 500.
app.use(async (c, next) => {
  c.set("vars", varsOf(c.env));
  await next();
});
// docs/http.md#head: Hono runs the GET handler for HEAD, so HEAD of a `getHasEffects` route is refused here.
app.use(async (c, next) => {
  if (c.req.method !== "HEAD") return next();
  const allow = allowedMethods(c.req.path);
  if (allow.includes("HEAD") || !allow.includes("GET")) return next();
  annotate(c, { reason: "head_on_effectful_get" });
  return methodNotAllowed(c.req.path, allow);
});
// docs/http.md#body-cap: refused before anything parses it; the cap is a var, so built on first use.
let limitBody: { maxSize: number; middleware: MiddlewareHandler<AppEnv> } | undefined;
app.use((c, next) => {
  const { maxBodyBytes: maxSize } = c.get("vars");
  if (limitBody?.maxSize !== maxSize) {
    const middleware = bodyLimit({
      maxSize,
      onError: (ctx) => errorResponse(faultRendererFor(ctx.req.path)("payload_too_large", maxSize)),
    });
    limitBody = { maxSize, middleware };
  }
  return limitBody.middleware(c, next);
});

app.get("/healthz", (c) => c.json({ status: "ok" }));
// /openapi.json and /docs are no routes of the Worker: Workers Static Assets built by scripts/assets.mjs.
app.route("/", publicDocumentRoutes);
// Route paths are full (docs/architecture.md#route-contracts), so every family is mounted at the root.
for (const family of FAMILIES) app.route("/", family.routes);

app.notFound((c) => {
  const allow = allowedMethods(c.req.path);
  if (allow.length === 0) return errorResponse(faultRendererFor(c.req.path)("not_found"));
  return methodNotAllowed(c.req.path, allow);
});

app.onError((error, c) => {
  const render = faultRendererFor(c.req.path);
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON from the validator, an over-size streamed body.
    annotate(c, { reason: `http_${error.status}` });
    if (error.status === 413) return errorResponse(render("payload_too_large", c.get("vars")?.maxBodyBytes));
    return errorResponse(render("malformed_json"));
  }
  // The body is the family's fixed 500/503 (docs/http.md#internal-faults).
  annotate(c, { fault: faultText(error) });
  return errorResponse(render(isOverloaded(error) ? "unavailable" : "internal"));
});

// The Hono app is the Worker (tests read `app.routes`); Cron calls `scheduled` (docs/operations.md#schedule).
export default Object.assign(app, { scheduled });
export { Tenant } from "./admin/tenant";
export { CprTransaction } from "./cpr/transaction";
export { Sequence } from "./portal/sequence";
export { PortalToken } from "./portal/token";
export { PortalUser } from "./portal/user";
export { RateLimiter } from "./shared/rate-limit";
export { SigningKeyStore } from "./shared/signing-key-store";
export { UpiClientToken } from "./upi/client-auth-token";
export { UpiCustomer } from "./upi/customer";
