import { z } from "zod";
import { MAX_PASSWORD_LENGTH } from "./password";

/**
 * `?refresh_token=` (SPEC §4): `0` (the default) or `1`; anything else, the empty string or a
 * repeated parameter included, is refused. Other query parameters (even `password`) are ignored.
 */
export const loginQuerySchema = z.object({
  refresh_token: z.enum(["0", "1"]).optional(),
});

/** A password as accepted at login and set through the admin API: 1-128 characters, taken as is. */
export const passwordSchema = z.string().min(1).max(MAX_PASSWORD_LENGTH);

/** Header carrying the token to check (PayU's Optimus API key header); `Bearer ` is tolerated. */
export const TOKEN_HEADER = "X-Optimus-API-Key";
