import { idSchema } from "../shared/id-schema";
import { parseIpRange } from "../shared/ip-allowlist";
import * as z from "../shared/zod";
import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "./limits";

/** At most `max` entries, none repeating under `key` (its canonical form, or why it is invalid). */
const uniqueList = (
  entry: z.ZodMiniType<string>,
  max: number,
  key: (entry: string) => string | { invalid: string } = (value) => value,
) =>
  z.array(entry).check(
    z.maxLength(max, `must hold at most ${max} entries`),
    z.superRefine((entries, ctx) => {
      const seen = new Set<string>();
      entries.forEach((value, index) => {
        const form = key(value);
        const problem = typeof form === "object" ? `${form.invalid}:` : seen.has(form) && "duplicate entry";
        if (problem) {
          ctx.addIssue({ code: "custom", path: [index], message: `${problem} ${JSON.stringify(value)}` });
        }
        if (typeof form === "string") seen.add(form);
      });
    }),
  );

/** An allowlist: valid, canonical entries, no host bits, no duplicates (docs/admin.md#input-validation). */
export const ipAllowlistSchema = uniqueList(
  z.string().check(z.maxLength(64)),
  MAX_ALLOWLIST_ENTRIES,
  (entry) => {
    const range = parseIpRange(entry);
    return typeof range === "string"
      ? { invalid: range }
      : `${Array.from(range.network).join(".")}/${range.prefix}`;
  },
);

/** A caller-supplied secret, migrating an existing tenant (docs/admin.md#secrets: 16 characters at least). */
export const importedSecretSchema = z.string().check(z.minLength(16), z.maxLength(256));

export const createAppSchema = z.strictObject({
  appId: idSchema,
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  appKey: z.optional(importedSecretSchema),
  ipAllowlist: ipAllowlistSchema,
  workflows: uniqueList(idSchema, MAX_WORKFLOWS),
  stateTtlSeconds: z.optional(z.number().check(z.int(), z.gte(60), z.lte(365 * 24 * 3600))),
});

export const updateAppSchema = z.partial(z.omit(createAppSchema, { appId: true, appKey: true }));

export const appIdParamSchema = z.object({ appId: idSchema });

/** docs/admin.md#grace-rotation: the previous secret authenticates up to 7 days after a rotation. */
const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export const rotateKeySchema = z.strictObject({
  graceSeconds: z
    .optional(z.number().check(z.int(), z.gte(0), z.lte(MAX_GRACE_SECONDS)))
    .check(z.describe("Seconds the previous secret still authenticates (default 0: it stops at once).")),
});

/** When a tenant was created and last changed, in the views of tenants and their keys. */
export const timestamps = { createdAt: z.string(), updatedAt: z.string() };

export const previousKeyExpiresAtSchema = z
  .nullable(z.string())
  .check(
    z.describe(
      "During a rotation's grace: when the previous key stops authenticating (docs/admin.md#grace-rotation); else null.",
    ),
  );

/** A tenant's secret (an app's appKey, a merchant's API key) in its view. */
export const secretShownOnceSchema = z
  .optional(z.string())
  .check(z.describe("Only on creation (when generated) and rotation."));
