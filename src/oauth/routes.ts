import { Hono } from "hono";
import * as z from "zod";
import { cprTokens } from "../cpr/introspection";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import { portalTokens } from "../portal/introspection";
import { errorResponse } from "../shared/fault";
import type { LiveToken, TokenFamily } from "../shared/introspection";
import { noStore } from "../shared/request-context";
import { upiClientAuthTokens, upiSessionTokens } from "../upi/introspection";
import { authenticateClient, mayInspect, type Principal } from "./clients";
import { oauthError } from "./errors";

// The families' token shapes are disjoint (JWT `typ`, the portal's 8_4_4_4_12, `tkn_`), so the
// first family that recognises a token owns it and `token_type_hint` is not needed (RFC 7662 §2.1
// lets the server ignore it).
const TOKEN_FAMILIES: readonly TokenFamily[] = [
  cprTokens,
  upiSessionTokens,
  portalTokens,
  upiClientAuthTokens,
];

/** RFC 7662 §2.1 / RFC 7009 §2.1 request parameters, as a form or a JSON object. */
export const tokenRequestSchema = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().max(64).optional(),
});

async function readParameters(c: AppContext): Promise<unknown> {
  const mediaType = (c.req.header("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/x-www-form-urlencoded")
    return Object.fromEntries(new URLSearchParams(await c.req.text()));
  if (mediaType === "application/json") {
    try {
      return await c.req.json();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

type TokenRequest =
  | { ok: true; principal: Principal | undefined; token: string }
  | { ok: false; response: Response };

/** Authentication, then parameters. `allowAnonymous` lets a token revoke itself (portal logout, SPEC §6). */
async function readTokenRequest(c: AppContext, now: number, allowAnonymous: boolean): Promise<TokenRequest> {
  const client = await authenticateClient(c, now);
  if (!client.ok && !(allowAnonymous && client.reason === "no_credentials")) {
    annotate(c, { reason: client.reason });
    return {
      ok: false,
      response: errorResponse(oauthError(401, "invalid_client", "Client authentication failed")),
    };
  }
  const parameters = tokenRequestSchema.safeParse(await readParameters(c));
  if (!parameters.success) {
    annotate(c, { reason: "token_parameter_invalid" });
    return {
      ok: false,
      response: errorResponse(
        oauthError(400, "invalid_request", "The token parameter is required (form or JSON body)"),
      ),
    };
  }
  const principal = client.ok ? client.value : undefined;
  if (principal) annotate(c, { principal: principal.kind });
  return { ok: true, principal, token: parameters.data.token };
}

async function findLiveToken(
  env: Env,
  token: string,
  now: number,
  families: readonly TokenFamily[],
): Promise<{ family: TokenFamily; live: LiveToken } | undefined> {
  const family = families.find((candidate) => candidate.recognises(token));
  const live = family && (await family.introspect(env, token, now));
  return family && live ? { family, live } : undefined;
}

/** `/oauth/introspect` (RFC 7662) and `/oauth/revoke` (RFC 7009) over every token family (SPEC §6). */
export const oauthRoutes = new Hono<AppEnv>()
  .use(noStore)
  .post("/introspect", async (c) => {
    const now = Date.now();
    const request = await readTokenRequest(c, now, false);
    if (!request.ok) return request.response;
    const found = await findLiveToken(c.env, request.token, now, TOKEN_FAMILIES);
    // RFC 7662 §2.2: a token the caller may not see is reported exactly like a dead one.
    if (!found || !mayInspect(request.principal!, found.live.owner)) {
      annotate(c, { outcome: "inactive" });
      return c.json({ active: false });
    }
    annotate(c, { outcome: "active" });
    return c.json({ active: true, ...found.live.claims });
  })
  .post("/revoke", async (c) => {
    const now = Date.now();
    const request = await readTokenRequest(c, now, true);
    if (!request.ok) return request.response;
    // Without credentials only a live portal token may revoke itself: no other family's token is
    // verified, nor its state read, for an anonymous caller.
    const families = request.principal ? TOKEN_FAMILIES : [portalTokens];
    const found = await findLiveToken(c.env, request.token, now, families);
    if (!request.principal && !found) {
      annotate(c, { reason: "no_credentials" });
      return errorResponse(oauthError(401, "invalid_client", "Client authentication failed"));
    }
    // RFC 7009 §2.2: unknown, dead and foreign tokens all answer 200, and only the owner's are revoked.
    if (found && (!request.principal || mayInspect(request.principal, found.live.owner))) {
      await found.family.revoke(c.env, request.token, now);
      annotate(c, { action: "token_revoked" });
    }
    return c.body(null, 200);
  });
