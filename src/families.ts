import type { Hono } from "hono";
import { renderAdminFault } from "./admin/errors";
import { adminRoutes } from "./admin/routes";
import { renderCprFault } from "./cpr/errors";
import { cprRoutes } from "./cpr/routes";
import { renderOAuthFault } from "./oauth/errors";
import { oauthRoutes } from "./oauth/routes";
import { renderPortalFault } from "./portal/errors";
import { portalRoutes } from "./portal/routes";
import type { AppEnv } from "./shared/env";
import { type FaultRenderer, renderPlainFault } from "./shared/fault";
import { customersApi } from "./upi/customers-api";
import { renderCustomerApiFault, renderUpiFault } from "./upi/errors";
import { upiRoutes } from "./upi/routes";

// docs/http.md#families-by-prefix: 404/405/413/500 under a family's prefix use its envelope.
export const FAMILIES: readonly { prefix: string; routes: Hono<AppEnv>; renderFault: FaultRenderer }[] = [
  { prefix: "/admin/", routes: adminRoutes, renderFault: renderAdminFault },
  { prefix: "/api_auth", routes: portalRoutes, renderFault: renderPortalFault },
  { prefix: "/v2/", routes: cprRoutes, renderFault: renderCprFault },
  { prefix: "/hyperapi/", routes: upiRoutes, renderFault: renderUpiFault },
  { prefix: "/customers", routes: customersApi, renderFault: renderCustomerApiFault },
  { prefix: "/oauth/", routes: oauthRoutes, renderFault: renderOAuthFault },
];

function belongsTo(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  // "/api_auth" and "/customers" own themselves and their sub-paths, not "/api_authx".
  return prefix.endsWith("/") || path.length === prefix.length || path[prefix.length] === "/";
}

export function faultRendererFor(path: string): FaultRenderer {
  return FAMILIES.find((family) => belongsTo(path, family.prefix))?.renderFault ?? renderPlainFault;
}
