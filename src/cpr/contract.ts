import { declareRoutes } from "../shared/contract";
import { DEPRECATED_SINCE, SUCCESSOR_LINK, UNIQUE_ID_SUNSET } from "./deprecation";
import type { CprReason } from "./errors";
import type * as schemas from "./schema";

/** `POST /v2/auth/token` and its legacy and deprecated siblings (docs/cpr.md#routes, seed 002). */

// docs/cpr.md#validation: the 400 words the body's first failing field; the rest is docs/cpr.md#order-of-checks.
const ERRORS = [
  "invalid_request_body",
  "unauthorized_access",
  "workflow_not_found",
  "unique_id_conflict",
] as const;

export const cprContract = declareRoutes<typeof schemas, CprReason["code"]>()({
  createCprAuthToken: {
    method: "post",
    path: "/v2/auth/token",
    request: { json: "authTokenBodySchema" },
    success: { status: 200, schema: "authTokenSuccessSchema" },
    errors: ERRORS,
    noStore: true,
  },
  createCprAuthTokenLegacy: {
    method: "post",
    path: "/v2/generate-auth-token",
    request: { json: "legacyAuthTokenBodySchema" },
    success: { status: 200, schema: "legacyAuthTokenSuccessSchema" },
    errors: ERRORS,
    noStore: true,
    deprecated: { Deprecation: DEPRECATED_SINCE, Link: SUCCESSOR_LINK },
  },
  createCprUniqueId: {
    method: "post",
    path: "/v2/generate-unique-id",
    request: { json: "uniqueIdBodySchema" },
    success: { status: 200, schema: "uniqueIdSuccessSchema" },
    errors: ERRORS,
    security: [["cprAppIdHeader", "cprAppKeyHeader"], ["cprToken"]],
    noStore: true,
    deprecated: { Deprecation: DEPRECATED_SINCE, Sunset: UNIQUE_ID_SUNSET, Link: SUCCESSOR_LINK },
  },
});
