import type { TokenFamily } from "../shared/introspection";
import { timedClaims } from "../shared/introspection-claims";
import { serviceIssuer } from "../shared/issuers";
import { endSession, findLiveSession } from "./sessions";
import { isPortalToken } from "./token-codec";

/** Portal login tokens for `/oauth/introspect` and `/oauth/revoke` (docs/tokens.md#introspection). */
export const portalTokens: TokenFamily = {
  recognises: isPortalToken,
  async introspect(env, token, now) {
    const session = await findLiveSession(env, token, now);
    if (!session) return undefined;
    return {
      owner: { kind: "portal-user", email: session.email },
      // The service's issuer as the root metadata document names it (no trailing slash).
      claims: {
        ...timedClaims("portal", session, session.email, serviceIssuer(env)),
        organization_id: session.organizationId,
      },
    };
  },
  revoke: endSession,
};
