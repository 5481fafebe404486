import { hmacSha256 } from "../shared/crypto";
import { toHex } from "../shared/encoding";
import { canonicalEmail, canonicalMobile } from "../shared/identifiers";
import { maskEmail, maskMobile } from "../shared/log";

/** A person's identifier in canonical form (docs/cpr.md#unique-id): two spellings of one person are equal. */
export interface Identifier {
  readonly kind: "email" | "mobile";
  readonly canonical: string;
}

/**
 * The identifier a request gives, canonicalised; `undefined` when it gives none or the value does not
 * canonicalise (the schemas refuse such values before this is reached).
 */
export function identifierOf(given: { mobileNumber?: string; email?: string }): Identifier | undefined {
  if (given.mobileNumber !== undefined) {
    const canonical = canonicalMobile(given.mobileNumber);
    return canonical === undefined ? undefined : { kind: "mobile", canonical };
  }
  if (given.email !== undefined) {
    const canonical = canonicalEmail(given.email);
    return canonical === undefined ? undefined : { kind: "email", canonical };
  }
  return undefined;
}

/** The identifier as it may appear in a log line (docs/http.md#logs: never a full email or mobile number). */
export function maskedIdentifier(identifier: Identifier): string {
  return identifier.kind === "email" ? maskEmail(identifier.canonical) : maskMobile(identifier.canonical);
}

/**
 * The uniqueId of a person within an app: HMAC-SHA256 keyed by `UNIQUE_ID_SECRET` over
 * (appId, kind, canonical identifier), as 32 lowercase hex characters (docs/cpr.md#unique-id). The message is
 * a JSON array, so no choice of appId can make two different tuples collide.
 */
export async function uniqueIdFor(
  secret: string | undefined,
  appId: string,
  identifier: Identifier,
): Promise<string> {
  if (!secret) throw new Error("UNIQUE_ID_SECRET is not set");
  const mac = await hmacSha256(secret, JSON.stringify([appId, identifier.kind, identifier.canonical]));
  return toHex(mac.subarray(0, 16));
}
