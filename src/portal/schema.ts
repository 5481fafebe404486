import * as z from "../shared/zod";
import { MAX_PASSWORD_LENGTH } from "./password";

/** `?refresh_token=`: `0` or `1`, other query parameters ignored (docs/portal.md#login). */
export const loginQuerySchema = z.object({ refresh_token: z.optional(z.enum(["0", "1"])) });

/**
 * A password as set and at login: a header cannot carry leading or trailing whitespace nor reliably more
 * than printable ASCII, so such passwords are refused when set rather than never logging in
 * (docs/portal.md#passwords).
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

/** A local date and time as the seed writes it: `YYYY-MM-DD HH:MM:SS` in TIMEZONE. */
const localDateTime = z
  .string()
  .check(z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/), z.describe("`YYYY-MM-DD HH:MM:SS` in TIMEZONE."));

/** The organization exactly as seed 001 shows it (`organizationView`). */
export const organizationSchema = z.object({
  id: z.int(),
  name: z.string(),
  uuid: z.string(),
  description: z.nullable(z.string()),
  created_by_id: z.null(),
  updated_by_id: z.null(),
  created_at: z.string().check(z.describe("ISO-8601 with the offset of TIMEZONE.")),
  updated_at: z.string(),
  ancestry: z.null(),
  payubiz_id: z.null(),
  hide_name: z.boolean(),
  url: z.nullable(z.string()),
  product: z.string(),
  header_mappings: z.null(),
});

export const loginSuccessSchema = z.object({
  status: z.literal(200),
  message: z.literal("Success"),
  token: z.string().check(z.regex(/^[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}$/)),
  expires_at: localDateTime,
  organization: organizationSchema,
});

/** A live token's session (docs/portal.md#session-check). */
export const sessionSchema = z.object({
  email: z.string(),
  organization_id: z.int(),
  expires_at: localDateTime,
});
