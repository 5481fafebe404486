import { declareRoutes } from "../shared/contract";
import type { PortalReason } from "./errors";
import type * as schemas from "./schema";

/** `/api_auth` (docs/portal.md#login, seed 001): PayU's Chargeback API login, and the session check for its token. */

const login = {
  request: { query: "loginQuerySchema" },
  success: [200, "loginSuccessSchema"],
  errors: ["invalid_refresh_token", "invalid_credentials", "ip_not_allowed", "locked", "rate_limited"],
  getHasEffects: true,
} as const;

export const portalContract = declareRoutes<typeof schemas, PortalReason["code"]>({
  faults: ["internal", "unavailable"],
  noStore: true,
})({
  getPortalToken: { route: "GET /api_auth", ...login },
  postPortalToken: { route: "POST /api_auth", ...login },
  getPortalSession: {
    route: "GET /api_auth/session",
    success: [200, "sessionSchema"],
    errors: ["invalid_token"],
    security: [["portalToken"]],
  },
});
