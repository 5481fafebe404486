import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { annotate } from "../env";
import { secretsEqual } from "../shared/crypto";
import { errorResponse } from "../shared/fault";
import { adminError } from "./errors";

/** Requires `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time (SPEC §7). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new Error("ADMIN_TOKEN is not set");
  const header = c.req.header("Authorization") ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (!(await secretsEqual(presented, c.env.ADMIN_TOKEN))) {
    annotate(c, { reason: presented ? "admin_token_mismatch" : "admin_token_missing" });
    return errorResponse(adminError({ code: "unauthorized" }));
  }
  annotate(c, { principal: "admin" });
  return next();
};
