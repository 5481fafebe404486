import { renderAdminFault } from "./admin/errors";
import { renderCprFault } from "./cpr/errors";
import { renderOAuthFault } from "./oauth/errors";
import { renderPortalFault } from "./portal/errors";
import { type FaultRenderer, renderPlainFault } from "./shared/fault";
import { renderCustomerApiFault, renderUpiFault } from "./upi/errors";

// SPEC §2: paths belong to families by prefix, and 404/405/413/500 there use that family's envelope.
const FAMILY_PREFIXES: ReadonlyArray<readonly [prefix: string, render: FaultRenderer]> = [
  ["/v2/", renderCprFault],
  ["/api_auth", renderPortalFault],
  ["/hyperapi/", renderUpiFault],
  ["/customers", renderCustomerApiFault],
  ["/oauth/", renderOAuthFault],
  ["/admin/", renderAdminFault],
];

function belongsTo(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  // "/api_auth" and "/customers" own themselves and their sub-paths, not "/api_authx".
  return prefix.endsWith("/") || path.length === prefix.length || path[prefix.length] === "/";
}

/** The fault renderer of the family that owns `path`, or the plain one. */
export function faultRendererFor(path: string): FaultRenderer {
  for (const [prefix, render] of FAMILY_PREFIXES) {
    if (belongsTo(path, prefix)) return render;
  }
  return renderPlainFault;
}
