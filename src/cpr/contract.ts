import { declareRoutes } from "../shared/contract";
import { DEPRECATED_SINCE, SUCCESSOR_LINK, UNIQUE_ID_SUNSET } from "./deprecation";
import type { CprReason } from "./errors";
import type * as schemas from "./schema";

/** `POST /v2/auth/token` and its legacy and deprecated siblings (docs/cpr.md#routes, seed 002). */

// docs/cpr.md#validation: the 400 words the body's first failing field; the rest is docs/cpr.md#order-of-checks.
const errors = [
  "invalid_request_body",
  "unauthorized_access",
  "workflow_not_found",
  "unique_id_conflict",
] as const;

export const cprContract = declareRoutes<typeof schemas, CprReason["code"]>({ errors, noStore: true })({
  createCprAuthToken: {
    route: "POST /v2/auth/token",
    request: { json: "authTokenBodySchema" },
    success: [200, "authTokenSuccessSchema"],
  },
  createCprAuthTokenLegacy: {
    route: "POST /v2/generate-auth-token",
    request: { json: "legacyAuthTokenBodySchema" },
    success: [200, "legacyAuthTokenSuccessSchema"],
    deprecated: { Deprecation: DEPRECATED_SINCE, Link: SUCCESSOR_LINK },
  },
  createCprUniqueId: {
    route: "POST /v2/generate-unique-id",
    request: { json: "uniqueIdBodySchema" },
    success: [200, "uniqueIdSuccessSchema"],
    security: [["cprAppIdHeader", "cprAppKeyHeader"], ["cprToken"]],
    deprecated: { Deprecation: DEPRECATED_SINCE, Sunset: UNIQUE_ID_SUNSET, Link: SUCCESSOR_LINK },
  },
});
