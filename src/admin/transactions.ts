import { Hono } from "hono";
import * as z from "zod";
import { MAX_FIELD_LENGTH } from "../cpr/schema";
import { transactionStub } from "../cpr/transaction";
import type { AppEnv } from "../env";
import { annotate } from "../env";
import { APPS } from "../shared/config-records";
import { idSchema } from "../shared/ids";
import { appNotFound } from "./apps";
import { adminFailure } from "./errors";
import { adminParams } from "./validate";

// transactionIds are the client's own strings (SPEC §3: up to 256 characters), not admin ids.
export const transactionParamsSchema = z.object({
  appId: idSchema,
  transactionId: z.string().min(1).max(MAX_FIELD_LENGTH),
});

/**
 * `POST /admin/v1/apps/{appId}/transactions/{transactionId}/revoke` (SPEC §6, §7): increments the
 * transaction's revocation epoch, so every token issued before it stops being live at once.
 */
export const transactionsAdmin = new Hono<AppEnv>().post(
  "/:appId/transactions/:transactionId/revoke",
  adminParams(transactionParamsSchema),
  async (c) => {
    const { appId, transactionId } = c.req.valid("param");
    if (!(await c.get("config").getFresh(APPS, appId))) {
      return appNotFound(c, appId);
    }
    const revoked = await transactionStub(c.env, appId, transactionId).revoke(Date.now());
    if (!revoked.ok) {
      return adminFailure(c, { code: "not_found", message: `App ${appId} has no such transaction` });
    }
    annotate(c, { appId, action: "transaction_revoked" });
    return c.json({ appId, transactionId, revocationEpoch: revoked.value.revocationEpoch });
  },
);
