import { Hono } from "hono";
import type { AppEnv } from "../env";
import { appsAdmin } from "./apps";
import { requireAdmin } from "./auth";
import { orgsAdmin } from "./orgs";
import { orgUsersAdmin, usersAdmin } from "./users";

/** `/admin/v1`: provisioning, behind the admin bearer token. Each tenant kind is its own sub-app. */
export const adminRoutes = new Hono<AppEnv>().use(requireAdmin).route("/apps", appsAdmin)
  .route("/orgs", orgsAdmin)
  .route("/orgs", orgUsersAdmin)
  .route("/users", usersAdmin);
