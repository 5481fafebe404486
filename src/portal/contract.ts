import { declareRoutes } from "../shared/contract";
import type { PortalReason } from "./errors";
import type * as schemas from "./schema";

/** `/api_auth` (docs/portal.md#login, seed 001): PayU's Chargeback API login, and the session check for its token. */

const FAULTS = ["internal", "unavailable"] as const;

const login = {
  path: "/api_auth",
  request: { query: "loginQuerySchema" },
  success: { status: 200, schema: "loginSuccessSchema" },
  errors: ["invalid_refresh_token", "invalid_credentials", "ip_not_allowed", "locked", "rate_limited"],
  faults: FAULTS,
  noStore: true,
  getHasEffects: true,
} as const;

export const portalContract = declareRoutes<typeof schemas, PortalReason["code"]>()({
  getPortalToken: { method: "get", ...login },
  postPortalToken: { method: "post", ...login },
  getPortalSession: {
    method: "get",
    path: "/api_auth/session",
    success: { status: 200, schema: "sessionSchema" },
    errors: ["invalid_token"],
    faults: FAULTS,
    security: [["portalToken"]],
    noStore: true,
  },
});
