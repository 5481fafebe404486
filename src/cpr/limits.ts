import { utf8Length } from "../shared/identifiers";

/** Bounds of CPR request fields (docs/cpr.md#validation), apart from the zod schemas that enforce them. */

export const MAX_FIELD_LENGTH = 256;
export const MAX_EXPIRY_SECONDS = 86_400;

/**
 * `transactionId` names a Durable Object: bounded in UTF-8 bytes too (docs/http.md#storage-key-bounds), with
 * the same message, as Joi's `string().max(256, "utf8")` words it.
 */
export function fitsTransactionId(value: string): boolean {
  return utf8Length(value) <= MAX_FIELD_LENGTH;
}
