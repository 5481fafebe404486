import { digestsEqual, sha256Hex } from "./crypto";

// Compared against when the principal is unknown, so an unknown id costs the same hashing and
// comparison as a wrong secret (SPEC §2). No secret hashes to it in practice.
const UNKNOWN_PRINCIPAL_DIGEST = "0".repeat(64);

/**
 * True when `presented` hashes to the stored SHA-256. Call it even when the record is unknown
 * (`storedSha256` undefined): the work is the same and the answer is false.
 */
export async function secretMatches(presented: string, storedSha256: string | undefined): Promise<boolean> {
  const matches = digestsEqual(await sha256Hex(presented), storedSha256 ?? UNKNOWN_PRINCIPAL_DIGEST);
  return matches && storedSha256 !== undefined;
}

/** RFC 7617 Basic credentials; `undefined` when the header is absent or not well-formed Basic. */
export function parseBasicAuth(
  header: string | undefined,
): { username: string; password: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? "");
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(match[1]!), (ch) => ch.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(":");
  return colon === -1
    ? { username: decoded, password: "" }
    : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The token of `Authorization: Bearer <token>`, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];
}

/** A tenant's secret digests: the current one, and during a rotation's grace the previous one. */
export interface RotatingSecret {
  readonly current: string | undefined;
  readonly previous?: string;
  /** ISO-8601 instant after which `previous` no longer authenticates (SPEC §10). */
  readonly previousExpiresAt?: string;
}

/**
 * True when `presented` is the current secret, or the previous one while its grace lasts. One hash
 * and two fixed-length comparisons whatever the record holds (SPEC §2).
 */
export async function rotatingSecretMatches(
  presented: string,
  secret: RotatingSecret,
  now: number,
): Promise<boolean> {
  const digest = await sha256Hex(presented);
  const current = digestsEqual(digest, secret.current ?? UNKNOWN_PRINCIPAL_DIGEST);
  const inGrace =
    secret.previous !== undefined &&
    secret.previousExpiresAt !== undefined &&
    Date.parse(secret.previousExpiresAt) > now;
  const previous = digestsEqual(digest, inGrace ? secret.previous! : UNKNOWN_PRINCIPAL_DIGEST);
  return secret.current !== undefined && (current || (inGrace && previous));
}
