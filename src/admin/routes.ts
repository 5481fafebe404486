import { Hono } from "hono";
import { appsAdmin } from "../cpr/admin";
import { requestKeysAdmin } from "../cpr/admin-request-keys";
import { transactionsAdmin } from "../cpr/admin-transactions";
import { orgsAdmin } from "../portal/admin";
import { orgUsersAdmin, usersAdmin } from "../portal/admin-users";
import type { AppEnv } from "../shared/env";
import { merchantsAdmin } from "../upi/admin";
import { customerSessionsAdmin } from "../upi/admin-customer-sessions";
import { requireAdmin } from "./auth";
import { appEvents, merchantEvents, orgEvents, userEvents } from "./events";
import { signingKeysAdmin } from "./signing-keys";

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
