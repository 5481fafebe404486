import { ORGS, type OrgRecord, PORTAL_USERS, type PortalUserRecord } from "../shared/config-records";
import type { ConfigStore } from "../shared/config-store";
import { canonicalEmail } from "../shared/identifiers";
import { allowlistOf, type IpAddress, isAllowed } from "../shared/ip-allowlist";
import type { RateDecision } from "../shared/rate-limit";
import { fail, ok, type Result } from "../shared/result";
import { tenantObject } from "../shared/tenants";
import type { PortalReason } from "./errors";
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from "./password";
import { portalUserObject } from "./sessions";
import { generatePortalToken, portalTokenHash, sealPortalToken, unsealPortalToken } from "./token-codec";
import { recallVerified, rememberVerified, verifiedAgainst } from "./verified-logins";

interface LoginRequest {
  /** The raw `X-User-Email` value (two headers arrive joined by ", ", which is no email). */
  readonly emailHeader: string | undefined;
  readonly passwordHeader: string | undefined;
  readonly refresh: boolean;
  readonly ip: IpAddress | undefined;
  readonly now: number;
  /** For the user's event log, should this attempt lock the email (docs/admin.md#event-log). */
  readonly requestId?: string;
}

/** A refusal, with the precise cause for the log line only (the wire answer is the same for all). */
interface LoginRefusal {
  readonly denial: PortalReason;
  readonly cause: string;
  readonly email?: string;
}

/**
 * docs/portal.md#order-of-checks. Unknown email and wrong password cost the same PBKDF2 work (a dummy hash) and
 * get one answer, so neither tells whether an email exists (docs/http.md#constant-time). PBKDF2 runs here,
 * outside the user's object, so its input gate only waits on storage. `admitPasswordWork` asks the budgets in
 * front of PBKDF2 (docs/operations.md#rate-limits).
 */
export async function logIn(
  env: Env,
  config: ConfigStore,
  request: LoginRequest,
  admitPasswordWork: (email: string | undefined) => Promise<RateDecision>,
): Promise<Result<{ email: string; token: string; expiresAt: number; org: OrgRecord }, LoginRefusal>> {
  if (!env.PASSWORD_PEPPER) throw new Error("PASSWORD_PEPPER is not set");
  const email = request.emailHeader === undefined ? undefined : canonicalEmail(request.emailHeader);
  const password = request.passwordHeader ?? "";
  const recalled = email === undefined ? undefined : await recallVerified(email, password, request.now);
  // The budgets come before the user record and PBKDF2, and are charged only when PBKDF2 runs: a pair that
  // logged in lately spends neither (docs/operations.md#rate-limits).
  if (recalled === undefined) {
    const admitted = await admitPasswordWork(email);
    if (!admitted.ok) return rateLimited(admitted.reason.retryAfterSeconds);
  }
  const user = email === undefined ? undefined : await config.get(PORTAL_USERS, email);
  let verified = verifiedAgainst(recalled, user);
  if (!verified) {
    if (recalled !== undefined) {
      // Remembered against a record that has changed since: the password is checked afresh.
      const admitted = await admitPasswordWork(email);
      if (!admitted.ok) return rateLimited(admitted.reason.retryAfterSeconds);
    }
    verified = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH, env.PASSWORD_PEPPER);
  }
  const org = user && (await config.get(ORGS, String(user.organizationId)));

  // Checked only after PBKDF2, so a malformed email takes as long as any other failure.
  if (email === undefined) {
    const cause = request.emailHeader === undefined ? "email_missing" : "email_malformed";
    return fail({ denial: { code: "invalid_credentials" }, cause });
  }
  const cause = await refusalCause(request, user, org, verified);

  const accepted = cause === undefined && user && org ? await acceptance(env, request, user, org) : undefined;
  const outcome = await portalUserObject(env, email).login({
    email,
    now: request.now,
    refresh: request.refresh,
    requestId: request.requestId,
    accepted: accepted?.attempt,
  });
  if (!outcome.ok) return fail({ denial: outcome.reason, cause: cause ?? outcome.reason.code, email });
  // The object refuses every attempt that carries no acceptance, so this is an invariant.
  if (!accepted || !user || !org) throw new Error("portal user object accepted an unaccepted login");
  const { current, issued } = outcome.value;
  const token = issued
    ? accepted.token
    : await unsealPortalToken(current.sealed, current.hash, env.PASSWORD_PEPPER);
  // docs/portal.md#passwords: re-hashed at today's parameters; the user's object keeps a newer hash (an admin's).
  if (needsRehash(user.passwordHash)) {
    const upgraded = await hashPassword(password, env.PASSWORD_PEPPER);
    await tenantObject(env, "portal-user", user.email).upgradePasswordHash(user.passwordHash, upgraded);
  }
  await rememberVerified(user, password, request.now);
  return ok({ email, token, expiresAt: current.expiresAt, org });
}

function rateLimited(retryAfterSeconds: number): Result<never, LoginRefusal> {
  return fail({ denial: { code: "rate_limited", retryAfterSeconds }, cause: "rate_limited" });
}

/** Why the credentials cannot be accepted, for the log; `undefined` when they can. */
async function refusalCause(
  request: LoginRequest,
  user: PortalUserRecord | undefined,
  org: OrgRecord | undefined,
  verified: boolean,
): Promise<string | undefined> {
  if (request.passwordHeader === undefined) return "password_missing";
  // Loaded on first use (docs/architecture.md#startup).
  const { passwordSchema } = await import("./schema");
  if (!passwordSchema.safeParse(request.passwordHeader).success) return "password_malformed";
  if (!user) return "unknown_email";
  if (!verified) return "wrong_password";
  if (user.disabled) return "user_disabled";
  if (!org) return "org_missing";
  return undefined;
}

/** What the user's object needs once the password is right: a fresh candidate token among it. */
async function acceptance(env: Env, request: LoginRequest, user: PortalUserRecord, org: OrgRecord) {
  const token = generatePortalToken();
  const hash = await portalTokenHash(token);
  const sealed = await sealPortalToken(token, hash, env.PASSWORD_PEPPER);
  return {
    token,
    attempt: {
      credentialVersion: user.credentialVersion,
      // docs/portal.md#ip-allowlist: absent means no restriction; a list, even empty, restricts.
      ipAllowed: org.ipAllowlist === undefined || isAllowed(allowlistOf(org.ipAllowlist), request.ip),
      organizationId: org.id,
      ttlSeconds: org.tokenTtlSeconds,
      candidate: { hash, sealed },
    },
  };
}
