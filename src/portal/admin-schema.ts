import * as z from "zod";
import { ipAllowlistSchema } from "../admin/schema";
import { canonicalEmail } from "../shared/identifiers";
import { passwordSchema } from "./schema";

/**
 * The admin routes' input for portal orgs and users (admin.ts, admin-users.ts), loaded with `import()`
 * on first use (docs/architecture.md#startup).
 */

// Tokens live at least 2 hours: a token renewed with under an hour left (docs/portal.md#tokens-and-refresh)
// has then always expired before its successor is renewed in turn, so a user never holds more than two.
const MIN_TOKEN_TTL_SECONDS = 2 * 3600;
const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const orgFields = {
  name: z.string().min(1).max(256),
  uuid: z.string().min(1).max(128),
  description: z.string().max(1024).nullable(),
  product: z.string().min(1).max(64),
  url: z.url().max(2048).nullable(),
  hide_name: z.boolean(),
  tokenTtlSeconds: z.number().int().min(MIN_TOKEN_TTL_SECONDS).max(MAX_TOKEN_TTL_SECONDS),
  // Absent (or `null` in a PATCH) means no restriction; a list, even empty, restricts
  // (docs/portal.md#ip-allowlist).
  ipAllowlist: z.nullable(ipAllowlistSchema),
};

export const createOrgSchema = z.strictObject(orgFields).partial().required({ name: true });
export const updateOrgSchema = z.strictObject(orgFields).partial();
export const orgIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, "must be a positive integer")
    .transform(Number),
});

/** Users are keyed by canonical email: trimmed, lowercased, `local@domain.tld`. */
const emailSchema = z
  .string()
  .transform((raw, ctx) => {
    const email = canonicalEmail(raw);
    if (email === undefined) ctx.addIssue({ code: "custom", message: "must be a valid email" });
    return email ?? "";
  })
  .describe("The user's email (canonicalised: trimmed, lowercased).");

export const createUserSchema = z.strictObject({ email: emailSchema, password: passwordSchema });
export const updateUserSchema = z.strictObject({ password: passwordSchema, disabled: z.boolean() }).partial();
export const emailParamSchema = z.object({ email: emailSchema });
