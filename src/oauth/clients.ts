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
  const wellFormed = isValidId(username);
  // The username names an app or a merchant; both are looked up and both hashes compared, so the
  // work does not tell which kinds of tenant exist under that id. An empty password hashes to
  // something no stored secret (16 characters at least) matches.
  const [app, merchant] = wellFormed
    ? await Promise.all([config.get(APPS, username), config.get(MERCHANTS, username)])
    : [undefined, undefined];
  const now = Date.now();
  const [appMatches, merchantMatches] = await Promise.all([
    rotatingSecretMatches(
      password,
      {
        current: app?.appKeySha256,
        previous: app?.previousAppKeySha256,
        previousExpiresAt: app?.previousKeyExpiresAt,
      },
      now,
    ),
    rotatingSecretMatches(
      password,
      {
        current: merchant?.apiKeySha256,
        previous: merchant?.previousApiKeySha256,
        previousExpiresAt: merchant?.previousKeyExpiresAt,
      },
      now,
    ),
  ]);
  if (appMatches) return { kind: "app", appId: username };
  if (merchantMatches) return { kind: "merchant", merchantId: username };
  return undefined;
}

/**
 * docs/http.md#credentials: the RFC 6749 §2.3.1 reading
 * first, then the raw one; both always checked (same work).
 */
async function basicPrincipal(c: AppContext, readings: BasicReadings): Promise<Principal | undefined> {
  const [decoded, raw] = await Promise.all(readings.map((reading) => readingPrincipal(c, reading)));
  return decoded ?? raw;
}

/**
 * Authenticates the caller: `Bearer <ADMIN_TOKEN>`, HTTP Basic `appId:appKey` or `merchantId:apiKey`,
 * or a live portal token in `X-Optimus-API-Key` (the portal user itself).
 */
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

/** A tenant sees only its own tokens; the admin sees all (docs/tokens.md#client-authentication). */
export function mayInspect(principal: Principal, owner: TokenOwner): boolean {
  switch (principal.kind) {
    case "admin":
      return true;
    case "app":
      return owner.kind === "app" && owner.appId === principal.appId;
    case "merchant":
      return owner.kind === "merchant" && owner.merchantId === principal.merchantId;
    case "portal-user":
      return owner.kind === "portal-user" && owner.email === principal.email;
  }
}
