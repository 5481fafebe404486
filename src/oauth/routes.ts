import { cprTokens } from "../cpr/introspection";
import { portalTokens } from "../portal/introspection";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import type { TokenFamily, TokenOwner } from "../shared/introspection";
import { readBody } from "../shared/request-body";
import { noStore } from "../shared/request-context";
import { fail, ok, type Result } from "../shared/result";
import { contractRoutes } from "../shared/route";
import { recordTenantEvent } from "../shared/tenants";
import { upiClientAuthTokens, upiSessionTokens } from "../upi/introspection";
import { findDuplicateKey } from "../upi/signature";
import { authenticateClient, mayInspect, type Principal, tenantIdOf } from "./clients";
import { oauthContract } from "./contract";
import { type OAuthReason, oauthFailure } from "./errors";

// The families' token shapes are disjoint (JWT `typ`, the portal's 8_4_4_4_12, `tkn_`): the first that
// recognises a token owns it, and `token_type_hint` is not needed (RFC 7662 §2.1 lets us ignore it).
const TOKEN_FAMILIES: readonly TokenFamily[] = [
  cprTokens,
  upiSessionTokens,
  portalTokens,
  upiClientAuthTokens,
];

// RFC 6749 §3.1: request parameters must not be included more than once; a repeated `token` would
// mean one thing to the client and another to us (docs/http.md#repeated-parameters: 400 invalid_request).
const SINGLE_PARAMETERS = ["token", "token_type_hint"] as const;

/** The request's parameters as a form or a JSON object (`undefined`: neither), refusing repeats. */
async function readParameters(c: AppContext): Promise<Result<unknown, OAuthReason>> {
  const query = new URL(c.req.url).searchParams;
  const read = await readBody(c.req.raw);
  // Malformed JSON carries no parameters: the token parameter is then missing (400).
  const body = read.ok ? read.value : { kind: "none" as const };
  const value =
    body.kind === "form" ? Object.fromEntries(body.fields) : body.kind === "json" ? body.value : undefined;
  const isObject = typeof value === "object" && value !== null;
  const repeated = body.kind === "json" && isObject ? findDuplicateKey(body.text) : undefined;
  if (repeated !== undefined) {
    return fail({ code: "parameter_repeated", name: SINGLE_PARAMETERS.find((name) => name === repeated) });
  }
  const inBody = (name: string) =>
    body.kind === "form" ? body.fields.getAll(name).length : isObject && Object.hasOwn(value, name) ? 1 : 0;
  const twice = SINGLE_PARAMETERS.find((name) => query.getAll(name).length + inBody(name) > 1);
  return twice ? fail({ code: "parameter_repeated", name: twice }) : ok(value);
}

/**
 * Authentication, then parameters. `allowAnonymous` lets a token
 * revoke itself (portal logout, docs/tokens.md#client-authentication).
 */
async function readTokenRequest(
  c: AppContext,
  now: number,
  allowAnonymous: boolean,
): Promise<Result<{ principal: Principal | undefined; token: string }, OAuthReason>> {
  const client = await authenticateClient(c, now);
  if (!client.ok && !(allowAnonymous && client.reason === "no_credentials")) {
    return fail({ code: "client_unauthenticated", cause: client.reason });
  }
  const read = await readParameters(c);
  if (!read.ok) return read;
  // docs/architecture.md#startup: the schema loads on the first token request.
  const { tokenRequestSchema } = await import("./schema");
  const parameters = tokenRequestSchema.safeParse(read.value);
  if (!parameters.success) return fail({ code: "token_parameter_invalid" });
  const principal = client.ok ? client.value : undefined;
  if (principal) annotate(c, { principal: principal.kind });
  return ok({ principal, token: parameters.data.token });
}

async function findLiveToken(env: Env, token: string, now: number, families: readonly TokenFamily[]) {
  const family = families.find((candidate) => candidate.recognises(token));
  const live = family && (await family.introspect(env, token, now));
  return family && live ? { family, live } : undefined;
}

/** docs/admin.md#event-log: revoking a token of any family is a security event of the tenant that owns it. */
async function recordRevocation(c: AppContext, family: TokenFamily, owner: TokenOwner): Promise<void> {
  const merchant = family === upiSessionTokens ? "sessions_revoked" : "client_token_revoked";
  const types = { app: "transaction_revoked", merchant, "portal-user": "token_revoked" } as const;
  const requestId = c.get("requestId");
  await recordTenantEvent(c.env, owner.kind, tenantIdOf(owner), { type: types[owner.kind], requestId });
}

/** Introspection (RFC 7662) and revocation (RFC 7009) for every family (docs/tokens.md#introspection). */
const { app: oauthRoutes, route } = contractRoutes(oauthContract, {
  loadSchemas: () => import("./schema"),
  // Nothing is validated by the registrar: the parameters are read by hand (`readTokenRequest`).
  renderIssue: (_issue, c) => oauthFailure(c, { code: "token_parameter_invalid" }),
});

route("introspectToken", async (c, reply) => {
  const now = Date.now();
  const read = await readTokenRequest(c, now, false);
  if (!read.ok) return oauthFailure(c, read.reason);
  const request = read.value;
  const found = await findLiveToken(c.env, request.token, now, TOKEN_FAMILIES);
  // RFC 7662 §2.2: a token the caller may not see is reported exactly like a dead one, so introspection
  // never tells a tenant that another's token exists or lives (docs/tokens.md#introspection).
  if (!found || !mayInspect(request.principal!, found.live.owner)) {
    annotate(c, { outcome: "inactive" });
    return reply({ active: false });
  }
  annotate(c, { outcome: "active" });
  return reply({ active: true, ...found.live.claims });
});

route("revokeToken", async (c, reply) => {
  const now = Date.now();
  const read = await readTokenRequest(c, now, true);
  if (!read.ok) return oauthFailure(c, read.reason);
  const request = read.value;
  // Without credentials only a live portal token may revoke itself: no other family's token is verified,
  // nor its state read, for an anonymous caller.
  const families = request.principal ? TOKEN_FAMILIES : [portalTokens];
  const found = await findLiveToken(c.env, request.token, now, families);
  if (!request.principal && !found) {
    return oauthFailure(c, { code: "client_unauthenticated", cause: "no_credentials" });
  }
  // RFC 7009 §2.2: unknown, dead and foreign tokens all answer 200, and only the owner's are revoked.
  if (found && (!request.principal || mayInspect(request.principal, found.live.owner))) {
    await found.family.revoke(c.env, request.token, now);
    annotate(c, { action: "token_revoked" });
    await recordRevocation(c, found.family, found.live.owner);
  }
  return reply();
});

// The family's other answers (404, 405 under /oauth/) have always carried no-store too. Registered after
// the routes, so it runs only where no route matched: a route's own no-store is its contract's.
oauthRoutes.use("/oauth/*", noStore);

export { oauthRoutes };
