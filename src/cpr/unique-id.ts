import { hmacSha256 } from "../shared/crypto";
import { toHex } from "../shared/encoding";
import { canonicalEmail, canonicalMobile } from "../shared/identifiers";
import { maskEmail, maskMobile } from "../shared/log";

/** A person's identifier in canonical form (docs/cpr.md#unique-id): two spellings of one person are equal. */
export interface Identifier {
  readonly kind: "email" | "mobile";
  readonly canonical: string;
}

/** The identifier a request gives, canonicalised (the schemas refuse values that do not canonicalise). */
export function identifierOf({ mobileNumber, email }: { mobileNumber?: string; email?: string }) {
  if (mobileNumber !== undefined) return identifier("mobile", canonicalMobile(mobileNumber));
  return email === undefined ? undefined : identifier("email", canonicalEmail(email));
}

function identifier(kind: Identifier["kind"], canonical: string | undefined): Identifier | undefined {
  return canonical === undefined ? undefined : { kind, canonical };
}

/** The identifier as it may appear in a log line (docs/http.md#logs: never a full email or mobile number). */
export function maskedIdentifier(identifier: Identifier): string {
  return identifier.kind === "email" ? maskEmail(identifier.canonical) : maskMobile(identifier.canonical);
}

/** docs/cpr.md#unique-id; the HMAC's message is a JSON array, so no appId can make two tuples collide. */
export async function uniqueIdFor(secret: string | undefined, appId: string, identifier: Identifier) {
  if (!secret) throw new Error("UNIQUE_ID_SECRET is not set");
  const mac = await hmacSha256(secret, JSON.stringify([appId, identifier.kind, identifier.canonical]));
  return toHex(mac.subarray(0, 16));
}
