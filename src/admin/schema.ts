import { idSchema } from "../shared/id-schema";
import { parseIpRange } from "../shared/ip-allowlist";
import * as z from "../shared/zod";
import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "./limits";

/** An allowlist: valid, canonical entries without host bits or duplicates (docs/admin.md#input-validation). */
export const ipAllowlistSchema = z.array(z.string().check(z.maxLength(64))).check(
  z.maxLength(MAX_ALLOWLIST_ENTRIES, `must hold at most ${MAX_ALLOWLIST_ENTRIES} entries`),
  z.superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      const range = parseIpRange(entry);
      if (typeof range === "string") {
        ctx.addIssue({ code: "custom", path: [index], message: `${range}: ${JSON.stringify(entry)}` });
        return;
      }
      const canonical = `${Array.from(range.network).join(".")}/${range.prefix}`;
      if (seen.has(canonical))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate entry ${JSON.stringify(entry)}` });
      seen.add(canonical);
    });
  }),
);

/** A list of ids (workflows) without duplicates. */
const idListSchema = z.array(idSchema).check(
  z.maxLength(MAX_WORKFLOWS, `must hold at most ${MAX_WORKFLOWS} entries`),
  z.superRefine((ids, ctx) => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (seen.has(id))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate entry ${JSON.stringify(id)}` });
      seen.add(id);
    });
  }),
);

/** A caller-supplied secret, migrating an existing tenant (docs/admin.md#secrets: 16 characters at least). */
export const importedSecretSchema = z.string().check(z.minLength(16), z.maxLength(256));

export const createAppSchema = z.strictObject({
  appId: idSchema,
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  appKey: z.optional(importedSecretSchema),
  ipAllowlist: ipAllowlistSchema,
  workflows: idListSchema,
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
