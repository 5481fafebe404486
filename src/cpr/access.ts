import type { AppContext } from "../env";
import { clientIp } from "../shared/client-ip";
import { APPS, type AppRecord } from "../shared/config-records";
import { rotatingSecretMatches } from "../shared/credentials";
import { isValidId } from "../shared/ids";
import { allowlistOf, isAllowed } from "../shared/ip-allowlist";
import { admitExpensiveWork } from "../shared/rate-limit";
import { fail, ok, type Result } from "../shared/result";
import type { AccessDenial } from "./errors";
import { appOfLiveToken } from "./introspection";
import { verifyRequestSignature } from "./request-signature";

/** How a CPR caller proves which app it is (SPEC §3): the app's key, or a live CPR token of the app. */
export type Credentials =
  | { readonly kind: "app-key"; readonly appId: string; readonly appKey: string }
  | { readonly kind: "token"; readonly token: string; readonly appIdHeader?: string };

const ADMITS_NO_ONE: readonly string[] = [];

/** The app, if `appId` could name one: ids outside the admin id syntax never reach KV. */
async function appNamed(c: AppContext, appId: string): Promise<AppRecord | undefined> {
  return isValidId(appId) ? c.get("config").get(APPS, appId) : undefined;
}

async function appByKey(
  c: AppContext,
  appId: string,
  appKey: string,
): Promise<Result<AppRecord, AccessDenial>> {
  const app = await appNamed(c, appId);
  // Compared even for an unknown app, so that it costs the same as a wrong key (SPEC §2).
  // SPEC §10: during a rotation's grace the previous key still authenticates.
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
  token: string,
  appIdHeader: string | undefined,
  now: number,
): Promise<Result<AppRecord, AccessDenial>> {
  const appId = await appOfLiveToken(c.env, token, now);
  if (appId === undefined) return fail("token_not_live");
  if (appIdHeader !== undefined && appIdHeader !== appId) return fail("appid_header_mismatch");
  const app = await appNamed(c, appId);
  return app ? ok(app) : fail("unknown_app");
}

/**
 * SPEC §3 items 1-2: the app must exist, the credentials must be its own, the client IP must be in its
 * allowlist, and a signed request is required when the app registered request keys. Every failure is
 * the same 401 on the wire; the returned cause is for the log only.
 */
export async function admitApp(
  c: AppContext,
  credentials: Credentials,
  now: number,
): Promise<Result<AppRecord, AccessDenial>> {
  const found =
    credentials.kind === "app-key"
      ? await appByKey(c, credentials.appId, credentials.appKey)
      : await appByToken(c, credentials.token, credentials.appIdHeader, now);
  const ip = clientIp(c.req.raw.headers);
  const ipAdmitted = isAllowed(allowlistOf(found.ok ? found.value.ipAllowlist : ADMITS_NO_ONE), ip);
  if (!found.ok) return found;
  if (!ipAdmitted) return fail(ip ? "ip_not_allowed" : "ip_unknown");
  const app = found.value;
  if (Object.keys(app.requestKeys).length > 0) {
    // SPEC §9: the rate limits sit between the cheap checks above and the signature (README, "Rate limits").
    const admitted = await admitExpensiveWork(
      c.env,
      c.req.raw.headers,
      { kind: "cpr-signature", appId: app.appId },
      now,
    );
    if (!admitted.ok) return fail("rate_limited");
    const signature = await verifyRequestSignature(
      app.requestKeys,
      c.req.raw.headers,
      await c.req.arrayBuffer(),
      now,
    );
    if (!signature.ok) return signature;
  }
  return ok(app);
}
