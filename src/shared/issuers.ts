/** One issuer per JWT kind: one kind's verifier rejects the other (docs/tokens.md#issuers). */
export type JwtKind = "cpr" | "upi";

/** `ISSUER` without a trailing slash, so that every URL built on it has exactly one. */
export function serviceIssuer(env: { readonly ISSUER: string }): string {
  return env.ISSUER.replace(/\/+$/, "");
}

/** The `iss` of a kind's JWTs: `ISSUER/cpr` or `ISSUER/upi`. */
export function issuerOf(env: { readonly ISSUER: string }, kind: JwtKind): string {
  return `${serviceIssuer(env)}/${kind}`;
}
