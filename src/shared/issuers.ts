/**
 * One issuer per JWT kind: a verifier of one rejects the other, even when an app and a merchant share an id
 * and so an `aud` (docs/tokens.md#issuers).
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
