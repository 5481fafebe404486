import { portalTokens } from "../portal/introspection";
import { TOKEN_HEADER } from "../portal/sessions";
import { APPS, MERCHANTS } from "../shared/config-records";
import {
  type BasicCredentials,
  type BasicReadings,
  basicCredentials,
  bearerToken,
  optimusApiKey,
  rotatingSecretMatches,
} from "../shared/credentials";
import { secretsEqual } from "../shared/crypto";
import type { AppContext } from "../shared/env";
import { isValidId } from "../shared/ids";
import type { TokenOwner } from "../shared/introspection";
import { fail, ok, type Result } from "../shared/result";

/** Who is asking `/oauth/introspect` or `/oauth/revoke` (docs/tokens.md#client-authentication). */
export type Principal = { kind: "admin" } | TokenOwner;

export type ClientRejection =
  | "no_credentials"
  | "admin_token_mismatch"
  | "basic_credentials_mismatch"
  | "credentials_malformed"
  | "portal_token_not_live";

async function readingPrincipal(
  c: AppContext,
  { username, password }: BasicCredentials,
): Promise<Principal | undefined> {
  const config = c.get("config");
  // An app or a merchant: both looked up and both hashes compared, so the work does not tell which kinds
  // of tenant exist under that id (docs/http.md#constant-time). An empty password matches no secret (16
  // characters at least).
  const [app, merchant] = isValidId(username)
    ? await Promise.all([config.get(APPS, username), config.get(MERCHANTS, username)])
    : [undefined, undefined];
  const now = Date.now();
  const matches = (current?: string, previous?: string, previousExpiresAt?: string) =>
    rotatingSecretMatches(password, { current, previous, previousExpiresAt }, now);
  const [appMatches, merchantMatches] = await Promise.all([
    matches(app?.appKeySha256, app?.previousAppKeySha256, app?.previousKeyExpiresAt),
    matches(merchant?.apiKeySha256, merchant?.previousApiKeySha256, merchant?.previousKeyExpiresAt),
  ]);
  if (appMatches) return { kind: "app", appId: username };
  return merchantMatches ? { kind: "merchant", merchantId: username } : undefined;
}

/** docs/http.md#credentials: the RFC 6749 §2.3.1 reading first, then the raw one; both always checked. */
async function basicPrincipal(c: AppContext, readings: BasicReadings): Promise<Principal | undefined> {
  const [decoded, raw] = await Promise.all(readings.map((reading) => readingPrincipal(c, reading)));
  return decoded ?? raw;
}

/** The caller: `Bearer <ADMIN_TOKEN>`, Basic `appId:appKey` or `merchantId:apiKey`, a live portal token. */
export async function authenticateClient(
  c: AppContext,
  now: number,
): Promise<Result<Principal, ClientRejection>> {
  const authorization = c.req.header("Authorization");
  const bearer = bearerToken(authorization);
  if (bearer !== undefined) {
    // docs/http.md#internal-faults: a missing secret is a fault (500), never a silent "no admin".
    if (!c.env.ADMIN_TOKEN) throw new Error("ADMIN_TOKEN is not set");
    return (await secretsEqual(bearer, c.env.ADMIN_TOKEN))
      ? ok({ kind: "admin" })
      : fail("admin_token_mismatch");
  }
  const basic = basicCredentials(authorization);
  if (basic) {
    const principal = await basicPrincipal(c, basic);
    return principal ? ok(principal) : fail("basic_credentials_mismatch");
  }
  // Credentials that were sent but cannot be read are a failed authentication, not an anonymous
  // caller (which `/oauth/revoke` would otherwise let through to portal logout).
  if (authorization !== undefined && authorization.trim() !== "") return fail("credentials_malformed");
  const portalToken = c.req.header(TOKEN_HEADER);
  if (portalToken !== undefined) {
    const token = optimusApiKey(portalToken);
    const live = token === undefined ? undefined : await portalTokens.introspect(c.env, token, now);
    return live ? ok(live.owner) : fail("portal_token_not_live");
  }
  return fail("no_credentials");
}

/** The id of the tenant that owns a token, whose kind is the owner's. */
export const tenantIdOf = (owner: TokenOwner): string =>
  owner.kind === "app" ? owner.appId : owner.kind === "merchant" ? owner.merchantId : owner.email;

/** A tenant sees only its own tokens; the admin sees all (docs/tokens.md#client-authentication). */
export function mayInspect(principal: Principal, owner: TokenOwner): boolean {
  return (
    principal.kind === "admin" ||
    (principal.kind === owner.kind && tenantIdOf(principal) === tenantIdOf(owner))
  );
}
