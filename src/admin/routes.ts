import { Hono } from "hono";
import type { AppEnv } from "../shared/env";
import { appsAdmin } from "./apps";
import { requireAdmin } from "./auth";
import { customerSessionsAdmin } from "./customer-sessions";
import { appEvents, merchantEvents, orgEvents, userEvents } from "./events";
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
  .route("/apps/:appId", appEvents)
  .route("/apps", requestKeysAdmin)
  .route("/apps", transactionsAdmin)
  .route("/orgs", orgsAdmin)
  .route("/orgs/:id", orgEvents)
  .route("/orgs", orgUsersAdmin)
  .route("/users", usersAdmin)
  .route("/users/:email", userEvents)
  .route("/merchants", merchantsAdmin)
  .route("/merchants", customerSessionsAdmin)
  .route("/merchants/:merchantId", merchantEvents)
  .route("/signing-keys", signingKeysAdmin);
