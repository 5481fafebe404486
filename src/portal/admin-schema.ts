import { ipAllowlistSchema, timestamps } from "../admin/schema";
import { canonicalEmail } from "../shared/identifiers";
import * as z from "../shared/zod";
import { passwordSchema } from "./schema";

// The portal admin contract's schemas, loaded with `import()` on first use (docs/architecture.md#startup).

// Tokens live at least 2 hours: a token renewed with under an hour left (docs/portal.md#tokens-and-refresh)
// has then always expired before its successor is renewed in turn, so a user never holds more than two.
const MIN_TOKEN_TTL_SECONDS = 2 * 3600;
const MAX_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

const orgFields = {
  name: z.string().check(z.minLength(1), z.maxLength(256)),
  uuid: z.string().check(z.minLength(1), z.maxLength(128)),
  description: z.nullable(z.string().check(z.maxLength(1024))),
  product: z.string().check(z.minLength(1), z.maxLength(64)),
  url: z.nullable(z.url().check(z.maxLength(2048))),
  hide_name: z.boolean(),
  tokenTtlSeconds: z.number().check(z.int(), z.gte(MIN_TOKEN_TTL_SECONDS), z.lte(MAX_TOKEN_TTL_SECONDS)),
  // Absent (or `null` in a PATCH): no restriction; a list, even empty, restricts (docs/portal.md#ip-allowlist).
  ipAllowlist: z.nullable(ipAllowlistSchema),
};

export const createOrgSchema = z.required(z.partial(z.strictObject(orgFields)), { name: true });
export const updateOrgSchema = z.partial(z.strictObject(orgFields));
export const orgIdParamSchema = z.object({
  id: z.pipe(
    z.string().check(z.regex(/^[1-9][0-9]{0,14}$/, "must be a positive integer")),
    z.transform(Number),
  ),
});

const emailSchema = z
  .pipe(
    z.string(),
    z.transform((raw: string, ctx) => {
      const email = canonicalEmail(raw);
      if (email === undefined) {
        ctx.issues.push({ code: "custom", message: "must be a valid email", input: raw });
      }
      return email ?? "";
    }),
  )
  .check(z.describe("The user's email (canonicalised: trimmed, lowercased)."));

export const createUserSchema = z.strictObject({ email: emailSchema, password: passwordSchema });
export const updateUserSchema = z.partial(
  z.strictObject({ password: passwordSchema, disabled: z.boolean() }),
);
export const emailParamSchema = z.object({ email: emailSchema });

/** An org as the admin API shows it (`orgAdminView`). */
export const orgAdminSchema = z
  .looseObject({
    id: z.int(),
    name: z.string(),
    tokenTtlSeconds: z.int(),
    ipAllowlist: z.nullable(z.array(z.string())),
  })
  .check(z.describe("The seed 001 organization plus tokenTtlSeconds and ipAllowlist."));

export const userSchema = z.object({
  email: z.string(),
  organizationId: z.int(),
  disabled: z.boolean(),
  ...timestamps,
});
