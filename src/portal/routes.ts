import { clientIp } from "../shared/client-ip";
import { optimusApiKey } from "../shared/credentials";
import { annotate } from "../shared/env";
import { maskEmail } from "../shared/log";
import { admitLogin } from "../shared/rate-limit";
import { contractRoutes, type RouteHandler } from "../shared/route";
import { portalContract } from "./contract";
import { portalFailure } from "./errors";
import { formatLocalDateTime } from "./local-time";
import { logIn } from "./login";
import { organizationView } from "./organization";
import type * as schemas from "./schema";
import { findLiveSession, TOKEN_HEADER } from "./sessions";

// `/api_auth`: PayU's Chargeback API login and its session check (docs/portal.md#login, seed 001).
const { app: portalRoutes, route } = contractRoutes(portalContract, {
  loadSchemas: () => import("./schema"),
  renderIssue: (_issue, c) => portalFailure(c, { code: "invalid_refresh_token" }),
});

// GET and POST log in alike (seed 001 shows both).
const logInHandler: RouteHandler<typeof schemas, typeof portalContract.getPortalToken> = async (c, reply) => {
  const now = Date.now();
  const request = {
    emailHeader: c.req.header("X-User-Email"),
    passwordHeader: c.req.header("X-User-Password"),
    refresh: c.req.valid("query").refresh_token === "1",
    ip: clientIp(c.req.raw.headers),
    now,
    requestId: c.get("requestId"),
  };
  // docs/operations.md#rate-limits: the budgets in front of PBKDF2, charged only when it runs.
  const admit = (email: string | undefined) => admitLogin(c.env, c.req.raw.headers, email, now);
  const result = await logIn(c.env, c.get("config"), request, admit);
  if (!result.ok) {
    const { denial, cause, email } = result.reason;
    if (email) annotate(c, { email: maskEmail(email) });
    return portalFailure(c, denial, cause);
  }
  const { email, token, expiresAt, org } = result.value;
  annotate(c, { email: maskEmail(email), organizationId: org.id });
  return reply({
    status: 200,
    message: "Success",
    token,
    expires_at: formatLocalDateTime(expiresAt, c.get("vars").timeZone),
    organization: organizationView(org, c.get("vars").timeZone),
  });
};

route("getPortalToken", logInHandler);
route("postPortalToken", logInHandler);
route("getPortalSession", async (c, reply) => {
  const presented = optimusApiKey(c.req.header(TOKEN_HEADER)) ?? "";
  const session = await findLiveSession(c.env, presented, Date.now());
  if (!session) return portalFailure(c, { code: "invalid_token" });
  annotate(c, { email: maskEmail(session.email), organizationId: session.organizationId });
  return reply({
    email: session.email,
    organization_id: session.organizationId,
    expires_at: formatLocalDateTime(session.expiresAt, c.get("vars").timeZone),
  });
});

export { portalRoutes };
