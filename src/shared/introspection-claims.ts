/** The RFC 7662 members a stored token's times answer, in the order every family starts its claims with. */
export function timedClaims(
  tokenType: string,
  times: { readonly issuedAt: number; readonly expiresAt: number },
  sub: string,
  iss: string,
) {
  return {
    token_type: tokenType,
    exp: Math.floor(times.expiresAt / 1000),
    iat: Math.floor(times.issuedAt / 1000),
    sub,
    iss,
  };
}
