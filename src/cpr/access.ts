import { clientIp } from "../shared/client-ip";
import { APPS, type AppRecord } from "../shared/config-records";
import { rotatingSecretMatches } from "../shared/credentials";
import type { AppContext } from "../shared/env";
import { isValidId } from "../shared/ids";
import { allowlistOf, isAllowed } from "../shared/ip-allowlist";
import { fail, ok, type Result } from "../shared/result";
import type { AccessDenial } from "./errors";
import { liveToken } from "./introspection";
import { verifyRequestSignature } from "./request-signature";
import { type SignatureUse, signatureUseOf } from "./signature-replay";

/** The app's key, or a live CPR token of the app (docs/cpr.md#credentials-and-ip). */
export type Credentials =
  | { readonly kind: "app-key"; readonly appId: string; readonly appKey: string }
  | { readonly kind: "token"; readonly token: string; readonly appIdHeader?: string };

const ADMITS_NO_ONE: readonly string[] = [];

async function appByKey(
  c: AppContext,
  { appId, appKey }: Extract<Credentials, { kind: "app-key" }>,
): Promise<Result<AppRecord, AccessDenial>> {
  // Ids outside the admin id syntax never reach KV.
  const app = isValidId(appId) ? await c.get("config").get(APPS, appId) : undefined;
  // Compared even for an unknown app, so that it costs the same as a wrong key (docs/http.md#constant-time).
  // docs/admin.md#grace-rotation: during a rotation's grace the previous key still authenticates.
  const keyMatches = await rotatingSecretMatches(
    appKey,
    {
      current: app?.appKeySha256,
      previous: app?.previousAppKeySha256,
      previousExpiresAt: app?.previousKeyExpiresAt,
    },
    Date.now(),
  );
  if (!app) return fail("unknown_app");
  return keyMatches ? ok(app) : fail("app_key_mismatch");
}

async function appByToken(
  c: AppContext,
  { token, appIdHeader }: Extract<Credentials, { kind: "token" }>,
  transactionId: string,
  now: number,
): Promise<Result<AppRecord, AccessDenial>> {
  // A deleted or re-created app's tokens are not live (docs/storage.md#incarnations).
  const subject = await liveToken(c.env, token, now);
  if (subject === undefined) return fail("token_not_live");
  if (appIdHeader !== undefined && appIdHeader !== subject.app.appId) return fail("appid_header_mismatch");
  // docs/cpr.md#deprecated-unique-id-route: a bearer token acts only on its own transaction.
  if (transactionId !== subject.claims.transactionId) return fail("token_transaction_mismatch");
  return ok(subject.app);
}

/**
 * docs/cpr.md#order-of-checks; every failure is the same 401, the cause is for the log. No budget is charged
 * (docs/operations.md#rate-limits): the signature is checked only after key and IP passed.
 */
export async function admitApp(
  c: AppContext,
  credentials: Credentials,
  transactionId: string,
  now: number,
): Promise<Result<{ app: AppRecord; signature?: SignatureUse }, AccessDenial>> {
  const found =
    credentials.kind === "app-key"
      ? await appByKey(c, credentials)
      : await appByToken(c, credentials, transactionId, now);
  // Checked before an unknown app is refused, so the work does not tell unknown apps from wrong keys.
  const ip = clientIp(c.req.raw.headers);
  const ipAdmitted = isAllowed(allowlistOf(found.ok ? found.value.ipAllowlist : ADMITS_NO_ONE), ip);
  if (!found.ok) return found;
  if (!ipAdmitted) return fail(ip ? "ip_not_allowed" : "ip_unknown");
  const app = found.value;
  if (Object.keys(app.requestKeys).length === 0) return ok({ app });
  const rawBody = await c.req.arrayBuffer();
  const signature = await verifyRequestSignature(app.requestKeys, c.req.raw.headers, rawBody, now);
  if (!signature.ok) return signature;
  // docs/cpr.md#single-use: the signed request to remember; the transaction's object checks and records it.
  return ok({ app, signature: await signatureUseOf(c.req.raw.headers, rawBody) });
}
