import type { AppContext } from "../env";
import { portalTokens } from "../portal/introspection";
import { APPS, MERCHANTS } from "../shared/config-records";
import { bearerToken, parseBasicAuth, rotatingSecretMatches } from "../shared/credentials";
import { secretsEqual } from "../shared/crypto";
import { isValidId } from "../shared/ids";
import type { TokenOwner } from "../shared/introspection";
import { fail, ok, type Result } from "../shared/result";

/** Who is asking `/oauth/introspect` or `/oauth/revoke` (SPEC §6). */
export type Principal = { kind: "admin" } | TokenOwner;

export type ClientRejection =
  | "no_credentials"
  | "admin_token_mismatch"
  | "basic_credentials_mismatch"
  | "portal_token_not_live";

async function basicPrincipal(
  c: AppContext,
  username: string,
  password: string,
): Promise<Principal | undefined> {
  const config = c.get("config");
  const wellFormed = isValidId(username);
  // The username names an app or a merchant; both are looked up and both hashes compared, so the
  // work does not tell which kinds of tenant exist under that id.
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
    // SPEC §2: a missing secret is a fault (500), never a silent "no admin".
    if (!c.env.ADMIN_TOKEN) throw new Error("ADMIN_TOKEN is not set");
    return (await secretsEqual(bearer, c.env.ADMIN_TOKEN))
      ? ok({ kind: "admin" })
      : fail("admin_token_mismatch");
  }
  const basic = parseBasicAuth(authorization);
  if (basic) {
    const principal = await basicPrincipal(c, basic.username, basic.password);
    return principal ? ok(principal) : fail("basic_credentials_mismatch");
  }
  const portalToken = c.req.header("X-Optimus-API-Key");
  if (portalToken !== undefined) {
    const live = await portalTokens.introspect(c.env, portalToken.replace(/^Bearer +/i, ""), now);
    return live ? ok(live.owner) : fail("portal_token_not_live");
  }
  return fail("no_credentials");
}

/** A tenant sees only its own tokens; the admin sees all (SPEC §6). */
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
