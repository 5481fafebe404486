/**
 * One issuer per JWT kind (docs/tokens.md#issuers, RFC 8725 §3.11-3.12): a verifier configured the ordinary
 * way (issuer, audience, JWKS) for one kind rejects the other, even when an app and a merchant share an
 * id and so an `aud`. `ISSUER` itself names the service: the base of the metadata documents.
 */
export type JwtKind = "cpr" | "upi";

/** `ISSUER` without a trailing slash, so that every URL built on it has exactly one. */
export function serviceIssuer(env: { readonly ISSUER: string }): string {
  return env.ISSUER.replace(/\/+$/, "");
}

/** The `iss` of a kind's JWTs: `ISSUER/cpr` or `ISSUER/upi`. */
export function issuerOf(env: { readonly ISSUER: string }, kind: JwtKind): string {
  return `${serviceIssuer(env)}/${kind}`;
}
