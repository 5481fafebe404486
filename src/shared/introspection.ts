// What each token family offers to `/oauth/introspect` and `/oauth/revoke` (docs/tokens.md#introspection).

/** The tenant a token belongs to: an introspecting tenant sees only its own tokens. */
export type TokenOwner =
  | { kind: "app"; appId: string }
  | { kind: "merchant"; merchantId: string }
  | { kind: "portal-user"; email: string };

export interface LiveToken {
  readonly owner: TokenOwner;
  /** The RFC 7662 members of an active answer (minus `active`): token_type, exp, iat, sub, iss and the family's claims. */
  readonly claims: Record<string, unknown>;
}

export interface TokenFamily {
  /** A cheap syntactic test: could this string be one of this family's tokens? */
  recognises(token: string): boolean;
  /** The live token's owner and claims, or `undefined` when it is not live (expired, revoked, forged, unknown). */
  introspect(env: Env, token: string, now: number): Promise<LiveToken | undefined>;
  /** Makes the token (and, for CPR, its transaction's earlier tokens) stop being live at once; idempotent. */
  revoke(env: Env, token: string, now: number): Promise<void>;
}
