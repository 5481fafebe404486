import type { MerchantRecord } from "../shared/config-records";
import { basicCredentials, rotatingSecretMatches } from "../shared/credentials";
import { type AppContext, annotate } from "../shared/env";
import { isValidId } from "../shared/ids";
import { readBody } from "../shared/request-body";
import { noStore } from "../shared/request-context";
import { fail, ok, type Result } from "../shared/result";
import { contractRoutes } from "../shared/route";
import { registerCustomer } from "../shared/tenants";
import { loadZod, type Schema, type SchemaLoader } from "../shared/validate";
import type * as z from "../shared/zod";
import { issueClientAuthToken } from "./client-auth-token";
import { customersContract } from "./contract";
import { customerObject } from "./customer";
import { customerIdOf, referenceOfCustomerId } from "./customer-id";
import { type CustomerProfile, DEFAULT_MOBILE_COUNTRY_CODE } from "./customer-state";
import { type CustomerApiReason, customerApiFailure } from "./errors";
import { findMerchant, merchantAdmits } from "./merchant";
import type * as schemas from "./schema";

// Juspay's Customer API, which hands client auth tokens to a merchant's server (docs/upi.md#customer-api).

const TOKEN_OPTION = "options.get_client_auth_token";
// The same option as PHP- and Rails-style form encoders write a nested field.
const TOKEN_OPTION_BRACKETS = "options[get_client_auth_token]";

// docs/architecture.md#startup: the schemas load on the first request that validates.
const createCustomerInput = () => import("./schema").then((m) => m.createCustomerSchema);
const updateCustomerInput = () => import("./schema").then((m) => m.updateCustomerSchema);
const clientTokenOption = () => import("./schema").then((m) => m.clientTokenOptionSchema);

async function authenticateMerchant(c: AppContext): Promise<Result<MerchantRecord, CustomerApiReason>> {
  // docs/upi.md#customer-api: as Juspay's SDKs send them, the API key as the Basic username (empty password).
  const merchantId = c.req.header("x-merchantid") ?? c.req.header("x-merchant-id") ?? "";
  const readings = basicCredentials(c.req.header("Authorization"));
  const merchant = isValidId(merchantId) ? await findMerchant(c.get("config"), merchantId) : undefined;
  // Both readings (docs/http.md#credentials), compared even for an unknown merchant (docs/http.md#constant-time).
  const apiKey = {
    current: merchant?.apiKeySha256,
    previous: merchant?.previousApiKeySha256,
    previousExpiresAt: merchant?.previousKeyExpiresAt,
  };
  const now = Date.now();
  const [decodedMatches, rawMatches] = await Promise.all(
    (readings ?? [undefined, undefined]).map((reading) =>
      rotatingSecretMatches(reading?.username ?? "", apiKey, now),
    ),
  );
  if (!merchant || readings === undefined || !(decodedMatches || rawMatches)) {
    const reason = !merchant ? "unknown_merchant" : readings ? "api_key_mismatch" : "api_key_missing";
    annotate(c, { reason });
    return fail({ code: "unauthenticated" });
  }
  annotate(c, { merchantId });
  return merchantAdmits(merchant, c.req.raw.headers) ? ok(merchant) : fail({ code: "ip_not_allowed" });
}

function reasonFor(issue: z.core.$ZodIssue, field: string): CustomerApiReason {
  return issue.code === "invalid_type" && issue.input === undefined
    ? { code: "missing_parameter", field }
    : { code: "invalid_input", field, message: issue.message };
}

async function check<T>(
  loadSchema: SchemaLoader<Schema<T>>,
  input: unknown,
  field?: string,
): Promise<Result<T, CustomerApiReason>> {
  const [schema, zod] = await Promise.all([loadSchema(), loadZod()]);
  const result = zod.safeParse(schema, input, { reportInput: true });
  if (result.success) return ok(result.data);
  const issue = result.error.issues[0]!;
  return fail(reasonFor(issue, field ?? String(issue.path[0] ?? "body")));
}

/** Juspay's timestamps carry no fraction of a second: `2020-03-17T14:16:31Z`. */
function juspayTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

type CustomerBody = z.output<typeof schemas.customerSchema>;

function customerBody(profile: CustomerProfile, token?: { token: string; expiresAt: number }): CustomerBody {
  const { id, ...rest } = profile;
  return {
    id,
    object: "customer",
    ...rest,
    mobile_country_code: profile.mobile_country_code ?? DEFAULT_MOBILE_COUNTRY_CODE,
    ...(token
      ? { juspay: { client_auth_token: token.token, client_auth_token_expiry: juspayTime(token.expiresAt) } }
      : {}),
  };
}

/** The customer with a fresh client auth token in `juspay`; 404 when the customer does not exist. */
async function customerWithToken(
  c: AppContext,
  reply: (body: CustomerBody) => Response,
  merchant: MerchantRecord,
  customerId: string,
): Promise<Response> {
  const issued = await issueClientAuthToken(c.env, merchant, customerId, Date.now());
  if (!issued) return customerApiFailure(c, { code: "customer_not_found" });
  annotate(c, { action: "client_auth_token_issued" });
  return reply(customerBody(issued.profile, issued));
}

/**
 * A `cst_…` id, else (or when it finds no one) the reference itself: a merchant's reference may look like a
 * `cst_` id (docs/upi.md#customer-api).
 */
async function findCustomer(
  c: AppContext,
  { merchantId, incarnation }: MerchantRecord,
  id: string,
): Promise<CustomerProfile | undefined> {
  const reference = referenceOfCustomerId(id);
  if (reference !== undefined) {
    const profile = await customerObject(c.env, merchantId, incarnation, reference).profile();
    if (profile?.id === id) return profile;
  }
  return isValidId(id) ? await customerObject(c.env, merchantId, incarnation, id).profile() : undefined;
}

const isObject = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A form or JSON body's fields, nested JSON dotted as in a form (`options.get_client_auth_token`). */
async function readBodyFields(c: AppContext): Promise<Result<Map<string, unknown>, CustomerApiReason>> {
  const body = await readBody(c.req.raw);
  if (!body.ok) return fail({ code: "invalid_input", field: "body", message: "not valid JSON" });
  const fields = new Map<string, unknown>();
  if (body.value.kind === "form") {
    for (const [name, value] of body.value.fields) if (!fields.has(name)) fields.set(name, value);
    return ok(fields);
  }
  const json = body.value.kind === "json" ? body.value.value : undefined;
  for (const [name, value] of isObject(json) ? Object.entries(json) : []) {
    if (!isObject(value)) fields.set(name, value);
    else for (const [inner, innerValue] of Object.entries(value)) fields.set(`${name}.${inner}`, innerValue);
  }
  return ok(fields);
}

/** The checks in order: the merchant, the body's fields, the input (create, update), the token option. */
async function readCustomerInput<T = undefined>(
  c: AppContext,
  loadSchema?: SchemaLoader<Schema<T>>,
): Promise<Result<{ merchant: MerchantRecord; input: T; wantsToken?: boolean }, CustomerApiReason>> {
  const merchant = await authenticateMerchant(c);
  if (!merchant.ok) return merchant;
  // docs/upi.md#customer-api: the option may come in the query or the body, which a GET reads for it alone.
  const inQuery = c.req.query(TOKEN_OPTION) ?? c.req.query(TOKEN_OPTION_BRACKETS);
  const fields = loadSchema || inQuery === undefined ? await readBodyFields(c) : ok(new Map());
  if (!fields.ok) return fields;
  const input = loadSchema ? await check(loadSchema, Object.fromEntries(fields.value)) : ok(undefined as T);
  if (!input.ok) return input;
  // Dotted or bracketed, in that order (nested JSON arrives dotted).
  const option = inQuery ?? fields.value.get(TOKEN_OPTION) ?? fields.value.get(TOKEN_OPTION_BRACKETS);
  const wantsToken = await check(clientTokenOption, option, TOKEN_OPTION);
  return wantsToken.ok
    ? ok({ merchant: merchant.value, input: input.value, wantsToken: wantsToken.value })
    : wantsToken;
}

const { app: customersApi, route } = contractRoutes(customersContract, {
  loadSchemas: () => import("./schema"),
  // No route here validates through the registrar: the bodies are read by hand (form or JSON, checks in order).
  renderIssue: (issue, c) => customerApiFailure(c, reasonFor(issue, String(issue.path[0] ?? "body"))),
});

route("createUpiCustomer", async (c, reply) => {
  const read = await readCustomerInput(c, createCustomerInput);
  if (!read.ok) return customerApiFailure(c, read.reason);
  const { merchant, input, wantsToken } = read.value;
  const now = juspayTime(Date.now());
  const { object_reference_id: customerId } = input;
  // docs/storage.md#incarnations: the merchant's object notes the customer first, so deleting the merchant
  // purges it; a merchant gone, or created again since the (stale) copy that authenticated, creates nothing.
  const { merchantId } = merchant;
  const incarnation = await registerCustomer(c.env, merchantId, customerId, merchant.incarnation);
  if (incarnation === undefined) {
    annotate(c, { reason: "merchant_deleted" });
    return customerApiFailure(c, { code: "unauthenticated" });
  }
  const created = await customerObject(c.env, merchantId, incarnation, customerId).createProfile({
    id: customerIdOf(customerId),
    object_reference_id: customerId,
    mobile_number: input.mobile_number ?? null,
    mobile_country_code: input.mobile_country_code ?? DEFAULT_MOBILE_COUNTRY_CODE,
    email_address: input.email_address ?? null,
    first_name: input.first_name ?? null,
    last_name: input.last_name ?? null,
    date_created: now,
    last_updated: now,
  });
  if (!created.ok) return customerApiFailure(c, { code: created.reason });
  annotate(c, { action: "customer_created" });
  return wantsToken ? customerWithToken(c, reply, merchant, customerId) : reply(customerBody(created.value));
});

route("getUpiCustomer", async (c, reply) => {
  const read = await readCustomerInput(c);
  if (!read.ok) return customerApiFailure(c, read.reason);
  const { merchant, wantsToken } = read.value;
  const id = c.req.param("customerId")!; // the path declares it
  // By reference with a token: one Durable Object call, which finds the customer or not.
  if (wantsToken && referenceOfCustomerId(id) === undefined) {
    return isValidId(id)
      ? customerWithToken(c, reply, merchant, id)
      : customerApiFailure(c, { code: "customer_not_found" });
  }
  const profile = await findCustomer(c, merchant, id);
  if (!profile) return customerApiFailure(c, { code: "customer_not_found" });
  return wantsToken
    ? customerWithToken(c, reply, merchant, profile.object_reference_id)
    : reply(customerBody(profile));
});

route("updateUpiCustomer", async (c, reply) => {
  const read = await readCustomerInput(c, updateCustomerInput);
  if (!read.ok) return customerApiFailure(c, read.reason);
  const { merchant, input, wantsToken } = read.value;
  const found = await findCustomer(c, merchant, c.req.param("customerId")!); // the path declares it
  if (!found) return customerApiFailure(c, { code: "customer_not_found" });
  const { object_reference_id: reference, ...changes } = input;
  if (reference !== undefined && reference !== found.object_reference_id) {
    return customerApiFailure(c, {
      code: "invalid_input",
      field: "object_reference_id",
      message: "cannot be changed",
    });
  }
  const { merchantId, incarnation } = merchant;
  const customer = customerObject(c.env, merchantId, incarnation, found.object_reference_id);
  // Re-checked inside the object: never updated through an id that stopped naming it since the read.
  const updated = await customer.updateProfile(changes, juspayTime(Date.now()), found.id);
  if (!updated.ok) return customerApiFailure(c, { code: updated.reason });
  annotate(c, { action: "customer_updated" });
  return wantsToken
    ? customerWithToken(c, reply, merchant, found.object_reference_id)
    : reply(customerBody(updated.value));
});

// The routes answer no-store by their declarations; registered after them, this covers the family's 404/405.
customersApi.use("/customers/*", noStore);

export { customersApi };
