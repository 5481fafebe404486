import { Hono } from "hono";
import { getHasEffects } from "../shared/allowed-methods";
import { clientIp } from "../shared/client-ip";
import { optimusApiKey } from "../shared/credentials";
import type { AppEnv } from "../shared/env";
import { annotate } from "../shared/env";
import { canonicalEmail } from "../shared/identifiers";
import { maskEmail } from "../shared/log";
import { admitLogin } from "../shared/rate-limit";
import { noStore } from "../shared/request-context";
import { validated } from "../shared/validate";
import { portalFailure } from "./errors";
import { formatLocalDateTime } from "./local-time";
import { logIn } from "./login";
import { organizationView } from "./organization";
import { findLiveSession, TOKEN_HEADER } from "./sessions";

const loginQuery = validated(
  "query",
  () => import("./schema").then((m) => m.loginQuerySchema),
  (_issue, c) => portalFailure(c, { code: "invalid_refresh_token" }),
);

/**
 * `/api_auth` (docs/portal.md#login, seed 001): PayU's
 * Chargeback API login, and the session check for its token.
 */
export const portalRoutes = new Hono<AppEnv>()
  .on(["GET", "POST"], "/", getHasEffects(), noStore, loginQuery, async (c) => {
    const now = Date.now();
    const emailHeader = c.req.header("X-User-Email");
    const attempted = emailHeader === undefined ? undefined : canonicalEmail(emailHeader);
    const result = await logIn(
      c.env,
      c.get("config"),
      {
        emailHeader,
        passwordHeader: c.req.header("X-User-Password"),
        refresh: c.req.valid("query").refresh_token === "1",
        ip: clientIp(c.req.raw.headers),
        now,
        requestId: c.get("requestId"),
      },
      // docs/operations.md#rate-limits: the budgets in front of PBKDF2, charged only when it runs.
      () => admitLogin(c.env, c.req.raw.headers, attempted, now),
    );
    if (!result.ok) {
      const { denial, cause, email } = result.reason;
      if (email) annotate(c, { email: maskEmail(email) });
      return portalFailure(c, denial, cause);
    }
    const { email, token, expiresAt, org } = result.value;
    annotate(c, { email: maskEmail(email), organizationId: org.id });
    return c.json({
      status: 200,
      message: "Success",
      token,
      expires_at: formatLocalDateTime(expiresAt, c.get("vars").timeZone),
      organization: organizationView(org, c.get("vars").timeZone),
    });
  })
  .get("/session", noStore, async (c) => {
    const presented = optimusApiKey(c.req.header(TOKEN_HEADER)) ?? "";
    const session = await findLiveSession(c.env, presented, Date.now());
    if (!session) return portalFailure(c, { code: "invalid_token" });
    annotate(c, { email: maskEmail(session.email), organizationId: session.organizationId });
    return c.json({
      email: session.email,
      organization_id: session.organizationId,
      expires_at: formatLocalDateTime(session.expiresAt, c.get("vars").timeZone),
    });
  });
