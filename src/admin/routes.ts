import { Hono } from "hono";
import { appsAdmin } from "../cpr/admin";
import { requestKeysAdmin } from "../cpr/admin-request-keys";
import { transactionsAdmin } from "../cpr/admin-transactions";
import { orgsAdmin } from "../portal/admin";
import { usersAdmin } from "../portal/admin-users";
import type { AppEnv } from "../shared/env";
import { merchantsAdmin } from "../upi/admin";
import { customerSessionsAdmin } from "../upi/admin-customer-sessions";
import { requireAdmin } from "./auth";
import { eventsAdmin } from "./events";
import { signingKeysAdmin } from "./signing-keys";

// `/admin/v1` at `/`: `requireAdmin` guards every `/admin/v1/*` path, unknown ones too (401, not 404: routes
// are not revealed, docs/admin.md#authentication), then every admin contract's routes.
export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/v1/*", requireAdmin)
  .route("/", appsAdmin)
  .route("/", requestKeysAdmin)
  .route("/", transactionsAdmin)
  .route("/", eventsAdmin)
  .route("/", orgsAdmin)
  .route("/", usersAdmin)
  .route("/", merchantsAdmin)
  .route("/", customerSessionsAdmin)
  .route("/", signingKeysAdmin);
