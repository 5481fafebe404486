import * as z from "../shared/zod";
import { MAX_PASSWORD_LENGTH } from "./password";

/**
 * `?refresh_token=` (docs/portal.md#tokens-and-refresh): `0` (the default) or `1`; anything else, the empty
 * string or a repeated parameter included, is refused. Other query parameters (even `password`) are ignored.
 */
export const loginQuerySchema = z.object({
  refresh_token: z.optional(z.enum(["0", "1"])),
});

/**
 * A password as set through the admin API and accepted at login: 1-128 characters, compared exactly
 * as received. It travels in an HTTP header, which cannot carry leading or trailing whitespace (the
 * Fetch standard strips it) nor reliably anything outside printable ASCII, so such passwords are
 * refused when set rather than becoming impossible to log in with.
 */
export const passwordSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(MAX_PASSWORD_LENGTH),
    z.regex(
      /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/,
      "must be printable ASCII without leading or trailing spaces",
    ),
  );
