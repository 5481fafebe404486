import type { MiddlewareHandler } from "hono";
import { bearerToken } from "../shared/credentials";
import { secretsEqual } from "../shared/crypto";
import { type AppEnv, annotate } from "../shared/env";
import { adminFailure } from "./errors";

/** `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time (docs/admin.md#authentication). */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.env.ADMIN_TOKEN) throw new Error("ADMIN_TOKEN is not set");
  const presented = bearerToken(c.req.header("Authorization")) ?? "";
  if (!(await secretsEqual(presented, c.env.ADMIN_TOKEN))) {
    return adminFailure(c, {
      code: "unauthorized",
      cause: presented ? "admin_token_mismatch" : "admin_token_missing",
    });
  }
  annotate(c, { principal: "admin" });
  return next();
};
