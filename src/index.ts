import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { FAMILIES, faultRendererFor } from "./families";
import { publicDocumentRoutes } from "./oauth/public-documents";
import { allowedMethodsResolver } from "./shared/allowed-methods";
import type { AppEnv } from "./shared/env";
import { annotate } from "./shared/env";
import { errorResponse, isOverloaded } from "./shared/fault";
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
// docs/http.md#checked-vars: vars are checked before any
// route reads or writes state; a bad one is the family's 500.
app.use(async (c, next) => {
  c.set("vars", varsOf(c.env));
  await next();
});
// docs/http.md#head: HEAD never changes state. Hono answers HEAD by running the GET handler, so on a route
// whose GET logs in or mints a token (marked `getHasEffects`), HEAD is refused before any route runs.
app.use(async (c, next) => {
  if (c.req.method !== "HEAD") return next();
  const allow = allowedMethods(c.req.path);
  if (allow.includes("HEAD") || !allow.includes("GET")) return next();
  annotate(c, { reason: "head_on_effectful_get" });
  return methodNotAllowed(c.req.path, allow);
});
// docs/http.md#body-cap: over-size bodies are refused before anything parses them. The limit is a var, known
// only once a request arrives, so the middleware is built on the first request and kept.
let limitBody: { maxSize: number; middleware: MiddlewareHandler<AppEnv> } | undefined;
app.use((c, next) => {
  const { maxBodyBytes } = c.get("vars");
  if (limitBody?.maxSize !== maxBodyBytes) {
    limitBody = {
      maxSize: maxBodyBytes,
      middleware: bodyLimit({
        maxSize: maxBodyBytes,
        onError: (ctx) => errorResponse(faultRendererFor(ctx.req.path)("payload_too_large", maxBodyBytes)),
      }),
    };
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
  const overloaded = isOverloaded(error);
  // The details go to the log only; the body is the family's fixed 500/503 (docs/http.md#internal-faults).
  annotate(c, {
    fault: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "non-error thrown",
  });
  return errorResponse(render(overloaded ? "unavailable" : "internal"));
});

// The Hono app is the Worker: `fetch` serves requests and the Cron Trigger calls `scheduled`
// (signing key rotation, docs/operations.md#rotate-now). The
// app object stays the default export for tests' `app.routes`.
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
