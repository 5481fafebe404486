import { Hono } from "hono";
import * as z from "zod";
import { adminFailure } from "../admin/errors";
import { readTenant } from "../admin/tenant-calls";
import { adminParams } from "../admin/validate";
import type { AppEnv } from "../shared/env";
import { annotate } from "../shared/env";
import { idSchema } from "../shared/id-schema";
import { recordTenantEvent } from "../shared/tenants";
import { appNotFound } from "./admin";
import { fitsTransactionId, MAX_FIELD_LENGTH } from "./schema";
import { transactionStub } from "./transaction";

// transactionIds are the client's own strings (docs/cpr.md#validation:
// up to 256 characters and UTF-8 bytes), not admin ids.
export const transactionParamsSchema = z.object({
  appId: idSchema,
  transactionId: z
    .string()
    .min(1)
    .max(MAX_FIELD_LENGTH)
    .refine(fitsTransactionId, `must be at most ${MAX_FIELD_LENGTH} bytes of UTF-8`),
});

/**
 * `POST /admin/v1/apps/{appId}/transactions/{transactionId}/revoke` (docs/tokens.md#revocation,
 * docs/admin.md#apps): increments the transaction's revocation
 * epoch, so every token issued before it stops being live at once.
 */
export const transactionsAdmin = new Hono<AppEnv>().post(
  "/:appId/transactions/:transactionId/revoke",
  adminParams(transactionParamsSchema),
  async (c) => {
    const { appId, transactionId } = c.req.valid("param");
    // The app's object, not a KV copy: a deleted app has no transactions to revoke
    // (docs/storage.md#incarnations).
    const app = await readTenant(c, "app", appId);
    if (!app) return appNotFound(c, appId);
    const revoked = await transactionStub(c.env, appId, app.incarnation, transactionId).revoke(Date.now());
    if (!revoked.ok) {
      return adminFailure(c, { code: "not_found", message: `App ${appId} has no such transaction` });
    }
    annotate(c, { appId, action: "transaction_revoked" });
    await recordTenantEvent(c.env, "app", appId, {
      type: "transaction_revoked",
      requestId: c.get("requestId"),
    });
    return c.json({ appId, transactionId, revocationEpoch: revoked.value.revocationEpoch });
  },
);
