import { Hono } from "hono";
import type * as z from "zod";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import type { MerchantRecord } from "../shared/config-records";
import { parseBasicAuth, secretMatches } from "../shared/credentials";
import { randomAlphanumeric } from "../shared/crypto";
import { errorResponse } from "../shared/fault";
import { isValidId } from "../shared/ids";
import { noStore } from "../shared/request-context";
import { issueClientAuthToken } from "./client-auth-token";
import { customerObject } from "./customer";
import type { CustomerProfile } from "./customer-state";
import { type CustomerApiReason, customerApiError } from "./errors";
import { findMerchant, merchantAdmits } from "./merchant";
import { readFields } from "./request-body";
import { clientTokenOptionSchema, createCustomerSchema } from "./schema";

/**
 * Juspay's Customer API, the part that hands client auth tokens to a merchant's server (SPEC §5):
 * `POST /customers` and `GET /customers/{customerId}`, where customerId is the merchant's
 * `object_reference_id`. Authenticated by the merchant API key as HTTP Basic username (empty
 * password) plus the `x-merchantid` header.
 */

const TOKEN_OPTION = "options.get_client_auth_token";

type Checked<T> = { ok: true; value: T } | { ok: false; reason: CustomerApiReason };

async function authenticateMerchant(c: AppContext): Promise<Checked<MerchantRecord>> {
  const merchantId = c.req.header("x-merchantid") ?? "";
  // Juspay: the API key is the Basic username, the password is empty.
  const apiKey = parseBasicAuth(c.req.header("Authorization"))?.username;
  const merchant = isValidId(merchantId) ? await findMerchant(c.get("config"), merchantId) : undefined;
  // Compared even for an unknown merchant, so that it costs the same work (SPEC §2).
  const matches = await secretMatches(apiKey ?? "", merchant?.apiKeySha256);
  if (!merchant || apiKey === undefined || !matches) {
    annotate(c, {
      reason: !merchant ? "unknown_merchant" : apiKey === undefined ? "api_key_missing" : "api_key_mismatch",
    });
    return { ok: false, reason: { code: "unauthenticated" } };
  }
  annotate(c, { merchantId });
  if (!merchantAdmits(merchant, c.req.raw.headers)) {
    annotate(c, { reason: "ip_not_allowed" });
    return { ok: false, reason: { code: "ip_not_allowed" } };
  }
  return { ok: true, value: merchant };
}

function reasonFor(issue: z.core.$ZodIssue, field: string): CustomerApiReason {
  return issue.code === "invalid_type" && issue.input === undefined
    ? { code: "missing_parameter", field }
    : { code: "invalid_input", field, message: issue.message };
}

function check<T>(schema: z.ZodType<T>, input: unknown, field?: string): Checked<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, reason: reasonFor(issue, field ?? String(issue.path[0] ?? "body")) };
}

/** Juspay's timestamps carry no fraction of a second: `2020-03-17T14:16:31Z`. */
function juspayTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function customerBody(profile: CustomerProfile, token?: { token: string; expiresAt: number }) {
  const { id, ...rest } = profile;
  return {
    id,
    object: "customer",
    ...rest,
    ...(token
      ? { juspay: { client_auth_token: token.token, client_auth_token_expiry: juspayTime(token.expiresAt) } }
      : {}),
  };
}

/** The customer with a fresh client auth token (`juspay` member); 404 when the customer does not exist. */
async function customerWithToken(
  c: AppContext,
  merchant: MerchantRecord,
  customerId: string,
): Promise<Response> {
  const issued = await issueClientAuthToken(c.env, merchant, customerId, Date.now());
  if (!issued) return refuse(c, { code: "customer_not_found" });
  annotate(c, { action: "client_auth_token_issued" });
  return c.json(customerBody(issued.profile, issued));
}

function refuse(c: AppContext, reason: CustomerApiReason): Response {
  // A more precise reason (why authentication failed) may already be in the log line.
  if (c.get("logFields").reason === undefined) annotate(c, { reason: reason.code });
  return errorResponse(customerApiError(reason));
}

export const customersApi = new Hono<AppEnv>()
  .use(noStore)
  .post("/", async (c) => {
    const merchant = await authenticateMerchant(c);
    if (!merchant.ok) return refuse(c, merchant.reason);
    const fields = await readFields(c.req.raw);
    if (!fields.ok) return refuse(c, { code: "invalid_input", field: "body", message: "not valid JSON" });
    const input = check(createCustomerSchema, Object.fromEntries(fields.value));
    if (!input.ok) return refuse(c, input.reason);
    // SPEC §5: the option may come in the query or the body, on creation as on retrieval.
    const wantsToken = check(
      clientTokenOptionSchema,
      c.req.query(TOKEN_OPTION) ?? fields.value.get(TOKEN_OPTION),
      TOKEN_OPTION,
    );
    if (!wantsToken.ok) return refuse(c, wantsToken.reason);
    const now = juspayTime(Date.now());
    const { object_reference_id: customerId } = input.value;
    const created = await customerObject(c.env, merchant.value.merchantId, customerId).createProfile({
      id: `cst_${randomAlphanumeric(16)}`,
      object_reference_id: customerId,
      mobile_number: input.value.mobile_number ?? null,
      email_address: input.value.email_address ?? null,
      first_name: input.value.first_name ?? null,
      last_name: input.value.last_name ?? null,
      date_created: now,
      last_updated: now,
    });
    if (!created.ok) return refuse(c, { code: created.reason });
    annotate(c, { action: "customer_created" });
    return wantsToken.value
      ? customerWithToken(c, merchant.value, customerId)
      : c.json(customerBody(created.value));
  })
  .get("/:customerId", async (c) => {
    const merchant = await authenticateMerchant(c);
    if (!merchant.ok) return refuse(c, merchant.reason);
    const customerId = c.req.param("customerId");
    // SPEC §5: the option may come in the query or, as Juspay's clients sometimes send it, in a body.
    const fromQuery = c.req.query(TOKEN_OPTION);
    const fields = fromQuery === undefined ? await readFields(c.req.raw) : undefined;
    if (fields && !fields.ok)
      return refuse(c, { code: "invalid_input", field: "body", message: "not valid JSON" });
    const wantsToken = check(
      clientTokenOptionSchema,
      fromQuery ?? fields?.value.get(TOKEN_OPTION),
      TOKEN_OPTION,
    );
    if (!wantsToken.ok) return refuse(c, wantsToken.reason);
    if (!isValidId(customerId)) return refuse(c, { code: "customer_not_found" });
    if (wantsToken.value) return customerWithToken(c, merchant.value, customerId);
    const profile = await customerObject(c.env, merchant.value.merchantId, customerId).profile();
    return profile ? c.json(customerBody(profile)) : refuse(c, { code: "customer_not_found" });
  });
