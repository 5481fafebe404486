import type { MiddlewareHandler } from "hono";
import type { Contract } from "../shared/contract";
import type { AppContext, AppEnv } from "../shared/env";
import { contractRoutes } from "../shared/route";
import type * as z from "../shared/zod";
import { adminFailure } from "./errors";

/** The 400 of a request's first problem, naming the field (docs/admin.md#input-validation). */
function renderAdminIssue(issue: z.core.$ZodIssue, c: AppContext): Response {
  const where = issue.path.length === 0 ? "body" : issue.path.map(String).join(".");
  const problem = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return adminFailure(c, { code: "invalid_request", message: `${where}: ${problem}` });
}

/** Admin routes from a contract; their schemas load on first use (docs/architecture.md#startup). */
export function adminContractRoutes<Schemas, Routes extends Contract<Schemas>>(
  routes: Routes,
  loadSchemas: () => Promise<Schemas>,
) {
  return contractRoutes<Schemas, Routes>(routes, { loadSchemas, renderIssue: renderAdminIssue });
}

// An optional JSON body (rotate-key): an empty one is `{}` even labelled `application/json`, as clients send
// a bodiless POST with their default content type (Hono's `json()` parses the cached text, set to `{}`).
export const emptyBodyAsObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  if ((await c.req.text()).trim() === "") {
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve("{}");
  }
  await next();
};
