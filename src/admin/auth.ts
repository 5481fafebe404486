import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";
import { annotate } from "../env";
import { secretsEqual } from "../shared/crypto";
import { adminFailure } from "./errors";

/** Requires `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time (SPEC §7). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new Error("ADMIN_TOKEN is not set");
  const header = c.req.header("Authorization") ?? "";
  const presented = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (!(await secretsEqual(presented, c.env.ADMIN_TOKEN))) {
    return adminFailure(c, {
      code: "unauthorized",
      cause: presented ? "admin_token_mismatch" : "admin_token_missing",
    });
  }
  annotate(c, { principal: "admin" });
  return next();
};
