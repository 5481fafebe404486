import type { MiddlewareHandler } from "hono";
import type { Contract } from "../shared/contract";
import type { AppContext, AppEnv } from "../shared/env";
import { contractRoutes } from "../shared/route";
import type * as z from "../shared/zod";
import { adminFailure } from "./errors";

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? "body" : issue.path.map(String).join(".");
  if (issue.code === "invalid_type" && issue.input === undefined) return `${where}: is required`;
  return `${where}: ${issue.message}`;
}

function renderAdminIssue(issue: z.core.$ZodIssue, c: AppContext): Response {
  return adminFailure(c, { code: "invalid_request", message: describeIssue(issue) });
}

/**
 * Registers admin routes from a contract (shared/route.ts): paths are full (`/admin/v1/...`), the app is
 * mounted at `/` by admin/routes.ts behind `requireAdmin`, and a request's first problem is a 400 that names
 * the field. The schemas load on the first request that validates (docs/architecture.md#startup).
 */
export function adminContractRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  loadSchemas: () => Promise<Schemas>,
) {
  return contractRoutes<Schemas, Routes>(routes, { loadSchemas, renderIssue: renderAdminIssue });
}

/**
 * For a route whose JSON body is optional (rotate-key): an empty body counts as `{}` even when it is
 * labelled `application/json`, as clients send a bodiless POST with their default content type.
 * (Hono's `json()` parses the request's cached text, so the cached text becomes `{}`.)
 */
export const emptyBodyAsObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await c.req.text()).trim() === "")
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve("{}");
  await next();
};
