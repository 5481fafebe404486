import type { MiddlewareHandler } from "hono";
import type { AppRecord } from "../shared/config-records";
import { bearerToken } from "../shared/credentials";
import { type AppContext, type AppEnv, annotate } from "../shared/env";
import { fail, ok, type Result } from "../shared/result";
import { contractRoutes } from "../shared/route";
import { signingKeyRing } from "../shared/signing-key-ring";
import { admitApp, type Credentials } from "./access";
import { cprContract } from "./contract";
import { type CprReason, cprFailure } from "./errors";
import { issueCprToken } from "./token";
import { type TransactionState, transactionStub } from "./transaction";
import { type Identifier, identifierOf, maskedIdentifier, uniqueIdFor } from "./unique-id";

/** `POST /v2/auth/token` and its legacy and deprecated siblings (docs/cpr.md#routes), over one code path. */

// docs/architecture.md#startup: the schema module loads on the first request that validates a body; the
// first issue's seed message becomes the 400 (docs/cpr.md#validation).
const { app: cprRoutes, route } = contractRoutes(cprContract, {
  loadSchemas: () => import("./schema"),
  renderIssue: (issue, c) => cprFailure(c, { code: "invalid_request_body", message: issue.message }),
});

// docs/cpr.md#request-signatures signs the exact raw bytes: read them before the validator parses, so Hono
// caches the bytes themselves rather than re-serialising the parsed JSON when they are asked for later.
const keepRawBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  await c.req.arrayBuffer();
  await next();
};

/** docs/cpr.md#order-of-checks: the app, the workflow, then the transaction in one Durable Object call. */
async function openTransaction(
  c: AppContext,
  credentials: Credentials,
  request: { transactionId: string; workflowId: string },
  identifier: Identifier | undefined,
  now: number,
): Promise<Result<{ app: AppRecord; state: TransactionState; uniqueId?: string }, CprReason>> {
  const admitted = await admitApp(c, credentials, request.transactionId, now);
  if (!admitted.ok) return fail({ code: "unauthorized_access", cause: admitted.reason });
  const { app, signature } = admitted.value;
  annotate(c, { appId: app.appId });
  if (!app.workflows.includes(request.workflowId)) return fail({ code: "workflow_not_found" });
  const uniqueId = identifier && (await uniqueIdFor(c.env.UNIQUE_ID_SECRET, app.appId, identifier));
  if (identifier) annotate(c, { identifier: maskedIdentifier(identifier) });
  const opened = await transactionStub(c.env, app.appId, app.incarnation, request.transactionId).open({
    workflowId: request.workflowId,
    uniqueId,
    stateTtlSeconds: app.stateTtlSeconds,
    now,
    signature,
  });
  if (!opened.ok) {
    if (opened.reason === "unique_id_conflict") return fail({ code: opened.reason });
    return fail({ code: "unauthorized_access", cause: opened.reason });
  }
  annotate(c, { state: opened.value.found, journeyRestarted: opened.value.journeyRestarted });
  return ok({ app, state: opened.value.state, uniqueId });
}

/** docs/cpr.md#order-of-checks: everything a token route does before shaping its answer. */
async function grantToken(
  c: AppContext,
  body: { appId: string; appKey: string; transactionId: string; workflowId: string; expiry: number },
  authenticateOnResume: "yes" | "no",
  identifier: Identifier | undefined,
) {
  const now = Date.now();
  // docs/http.md#internal-faults: an unusable key store fails before the transaction is touched.
  await signingKeyRing(c.env);
  const credentials: Credentials = { kind: "app-key", appId: body.appId, appKey: body.appKey };
  const opened = await openTransaction(c, credentials, body, identifier, now);
  if (!opened.ok) return opened;
  const { app, state, uniqueId } = opened.value;
  // Seed 002 table: embedded only when this request gives an identifier and authenticateOnResume is "no".
  const embedded = authenticateOnResume === "no" ? uniqueId : undefined;
  const { workflowId, journeyId, revocationEpoch: rev } = state;
  const metadata = { appId: app.appId, transactionId: body.transactionId, workflowId, journeyId };
  // An undefined uniqueId leaves the token's JSON.
  const claims = { ...metadata, authenticateOnResume, rev, inc: app.incarnation, uniqueId: embedded };
  const jwt = await issueCprToken(c.env, claims, body.expiry, now);
  annotate(c, { uniqueIdEmbedded: embedded !== undefined });
  return ok({ authorization: `Bearer ${jwt}`, metadata });
}

const success = <T>(result: T) => ({ statusCode: 200 as const, status: "success" as const, result });

/** `appid` + `appkey` headers, else a bearer CPR token (docs/cpr.md#deprecated-unique-id-route). */
function headerCredentials(headers: Headers): Credentials | undefined {
  const appId = headers.get("appid");
  const appKey = headers.get("appkey");
  if (appId !== null && appKey !== null) return { kind: "app-key", appId, appKey };
  const token = bearerToken(headers.get("Authorization"));
  return token === undefined ? undefined : { kind: "token", token, appIdHeader: appId ?? undefined };
}

route("createCprAuthToken", keepRawBody, async (c, reply) => {
  const body = c.req.valid("json");
  const granted = await grantToken(c, body, body.authenticateOnResume, identifierOf(body));
  if (!granted.ok) return cprFailure(c, granted.reason);
  return reply(success({ authToken: granted.value.authorization, metadata: granted.value.metadata }));
});

route("createCprAuthTokenLegacy", keepRawBody, async (c, reply) => {
  const body = c.req.valid("json");
  const resume = body.userAuthRequired === true || body.userAuthRequired === "yes" ? "yes" : "no";
  const granted = await grantToken(c, body, resume, body.authObject && identifierOf(body.authObject));
  if (!granted.ok) return cprFailure(c, granted.reason);
  // Named `token`, as HyperVerge's older login API did (docs/cpr.md#legacy-route).
  return reply(success({ token: granted.value.authorization, metadata: granted.value.metadata }));
});

route("createCprUniqueId", keepRawBody, async (c, reply) => {
  const body = c.req.valid("json");
  const credentials = headerCredentials(c.req.raw.headers);
  if (!credentials) return cprFailure(c, { code: "unauthorized_access", cause: "credentials_missing" });
  const opened = await openTransaction(c, credentials, body, identifierOf(body), Date.now());
  if (!opened.ok) return cprFailure(c, opened.reason);
  // The schema requires an identifier, so a uniqueId was derived.
  const { uniqueId } = opened.value;
  if (uniqueId === undefined) throw new Error("generate-unique-id derived no uniqueId");
  return reply(success({ uniqueId, transactionId: body.transactionId, workflowId: body.workflowId }));
});

export { cprRoutes };
