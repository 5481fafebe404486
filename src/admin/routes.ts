import { Hono } from "hono";
import type { AppEnv } from "../env";
import { appsAdmin } from "./apps";
import { requireAdmin } from "./auth";
import { customerSessionsAdmin } from "./customer-sessions";
import { merchantsAdmin } from "./merchants";
import { orgsAdmin } from "./orgs";
import { requestKeysAdmin } from "./request-keys";
import { signingKeysAdmin } from "./signing-keys";
import { transactionsAdmin } from "./transactions";
import { orgUsersAdmin, usersAdmin } from "./users";

/** `/admin/v1`: provisioning, behind the admin bearer token. Each tenant kind is its own sub-app. */
export const adminRoutes = new Hono<AppEnv>()
  .use(requireAdmin)
  .route("/apps", appsAdmin)
  .route("/apps", requestKeysAdmin)
  .route("/apps", transactionsAdmin)
  .route("/orgs", orgsAdmin)
  .route("/orgs", orgUsersAdmin)
  .route("/users", usersAdmin)
  .route("/merchants", merchantsAdmin)
  .route("/merchants", customerSessionsAdmin)
  .route("/signing-keys", signingKeysAdmin);
