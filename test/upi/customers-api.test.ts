import { beforeAll, describe, expect, it } from "vitest";
import { customerIdOf, referenceOfCustomerId } from "../../src/upi/customer-id";
import { call, json, uid } from "../support/worker";
import {
  type CustomerApiInit,
  customerApiCall,
  customerStub,
  type ProvisionedMerchant,
  provisionMerchant,
} from "./support";

/** docs/upi.md#customer-api: the Customer API as Juspay's SDKs call it (issue 14). */

let merchant: ProvisionedMerchant;
beforeAll(async () => {
  merchant = await provisionMerchant();
});

function customers(path: string, init: CustomerApiInit = {}) {
  return customerApiCall(merchant, path, init);
}

async function created(fields: Record<string, string> = {}) {
  const reference = uid("ref");
  const response = await customers("/customers", { form: { object_reference_id: reference, ...fields } });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return { reference, id: body.id as string, body };
}

const OBJECT_NOT_FOUND = {
  status: "invalid_request_error",
  error_code: "object_not_found",
  error_message: "Customer not found",
  error_info: {
    code: "RESOURCE_NOT_FOUND",
    category: "USER_ERROR",
    user_message: "Customer not found",
    developer_message: "Customer not found",
  },
};

describe("the cst_ id (derived from object_reference_id, no index to lag)", () => {
  it.each([["a"], ["acme_customer-42"], ["x.y:z@w"], ["A".repeat(128)]])("round-trips %j", (reference) => {
    const id = customerIdOf(reference);
    expect(id).toMatch(/^cst_[a-z2-7]+$/);
    expect(referenceOfCustomerId(id)).toBe(reference);
  });

  it.each([
    ["no prefix", "om2l6ctlptxwxuzj"],
    ["the prefix alone", "cst_"],
    ["upper case", customerIdOf("abc").toUpperCase().replace("CST_", "cst_")],
    ["a non-canonical tail (padding bits set)", `${customerIdOf("a").slice(0, -1)}b`],
    ["a dangling character", `${customerIdOf("abcde")}a`],
    ["a reference the id syntax refuses", customerIdOf("has space")],
    ["a random Juspay-style id", "cst_om2l6ctlptxwxuzj"],
  ])("reads no reference from %s", (_label, id) => {
    expect(referenceOfCustomerId(id)).toBeUndefined();
  });
});

describe("GET /customers/{id} by either id (docs/upi.md#customer-api)", () => {
  it("finds the customer by the id it was given at creation and by its reference, the same object", async () => {
    const { reference, id, body } = await created({ mobile_number: "9876543210" });
    expect(id).toBe(customerIdOf(reference));
    for (const path of [`/customers/${id}`, `/customers/${reference}`]) {
      const response = await customers(path);
      expect(response.status, path).toBe(200);
      expect(await json(response)).toEqual(body);
    }
  });

  it("issues a client auth token by the cst_ id, for the customer's reference", async () => {
    const { reference, id } = await created();
    const response = await customers(`/customers/${id}?options.get_client_auth_token=true`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body).toMatchObject({ id, object_reference_id: reference });
    expect(body.juspay.client_auth_token).toMatch(/^tkn_[A-Za-z0-9]{32}$/);
  });

  it("answers 404 object_not_found for an unknown cst_ id, an unknown reference and another merchant's customer", async () => {
    const { id } = await created();
    const other = await provisionMerchant();
    const paths: [string, Record<string, string>][] = [
      [`/customers/${customerIdOf(uid("ghost"))}`, {}],
      [`/customers/${uid("ghost")}`, {}],
      [`/customers/${uid("ghost")}?options.get_client_auth_token=true`, {}],
      [`/customers/${customerIdOf(uid("ghost"))}?options.get_client_auth_token=true`, {}],
      [
        `/customers/${id}`,
        { Authorization: `Basic ${btoa(`${other.apiKey}:`)}`, "x-merchantid": other.merchantId },
      ],
    ];
    for (const [path, headers] of paths) {
      const response = await customers(path, { headers });
      expect(response.status, path).toBe(404);
      expect(await json(response)).toEqual(OBJECT_NOT_FOUND);
    }
  });

  it("finds a customer with the longest reference by its cst_ id (209 characters)", async () => {
    const reference = `${uid("r")}${"x".repeat(128)}`.slice(0, 128);
    const create = await customers("/customers", { form: { object_reference_id: reference } });
    expect(create.status).toBe(200);
    const id = (await json(create)).id;
    expect(id).toHaveLength(209);
    const response = await customers(`/customers/${id}`);
    expect(response.status).toBe(200);
    expect((await json(response)).object_reference_id).toBe(reference);
  });

  it.each([
    ["an over-long cst_ id", `cst_${"a".repeat(500)}`],
    ["an over-long reference", "r".repeat(129)],
    ["a reference outside the id syntax", "%F0%9F%98%80"],
    ["a cst_ id of a reference outside the id syntax", customerIdOf("has space")],
  ])("answers %s with 404 object_not_found, never a 500", async (_label, id) => {
    for (const init of [{}, { form: { first_name: "X" } }]) {
      const response = await customers(`/customers/${id}`, init);
      expect(response.status).toBe(404);
      expect(await json(response)).toEqual(OBJECT_NOT_FOUND);
    }
  });

  it("takes a reference that looks like a cst_ id as a reference when no customer has that id", async () => {
    const lookalike = customerIdOf(uid("inner"));
    const response = await customers("/customers", { form: { object_reference_id: lookalike } });
    expect(response.status).toBe(200);
    const byReference = await customers(`/customers/${lookalike}`);
    expect(byReference.status).toBe(200);
    expect((await json(byReference)).object_reference_id).toBe(lookalike);
  });
});

describe("POST /customers/{id}: update (docs/upi.md#customer-api)", () => {
  it("updates the given fields by either id, keeps the others, and answers the updated object", async () => {
    const { reference, id, body } = await created({ mobile_number: "9876543210", first_name: "Jane" });
    const response = await customers(`/customers/${id}`, {
      form: { email_address: "jane@example.com", mobile_country_code: "+44", last_name: "Doe" },
    });
    expect(response.status).toBe(200);
    const updated = await json(response);
    expect(updated).toEqual({
      ...body,
      email_address: "jane@example.com",
      mobile_country_code: "44",
      last_name: "Doe",
      last_updated: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const byReference = await customers(`/customers/${reference}`, { json: { first_name: "Janet" } });
    expect(byReference.status).toBe(200);
    expect(await json(byReference)).toMatchObject({ first_name: "Janet", last_name: "Doe", id });
    expect(await json(await customers(`/customers/${id}`))).toMatchObject({ first_name: "Janet" });
  });

  it("answers a client auth token with the update when asked, in the body or the query", async () => {
    const { id } = await created();
    const calls: { path: string; form: Record<string, string> }[] = [
      { path: `/customers/${id}`, form: { first_name: "A", "options.get_client_auth_token": "True" } },
      { path: `/customers/${id}?options.get_client_auth_token=1`, form: { first_name: "B" } },
    ];
    for (const init of calls) {
      const response = await customers(init.path, { form: init.form });
      expect(response.status).toBe(200);
      expect((await json(response)).juspay.client_auth_token).toMatch(/^tkn_/);
    }
  });

  it("accepts object_reference_id unchanged and refuses a change with 400, leaving the customer as it was", async () => {
    const { reference, id, body } = await created();
    expect((await customers(`/customers/${id}`, { form: { object_reference_id: reference } })).status).toBe(
      200,
    );
    const response = await customers(`/customers/${id}`, {
      form: { object_reference_id: uid("other"), first_name: "Changed" },
    });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error_code: "invalid_request",
      error_message: "Wrong value in object_reference_id: cannot be changed",
    });
    const stored = await customerStub(merchant, reference).profile();
    expect(stored?.first_name).toBe(body.first_name);
  });

  it.each([
    [{ mobile_number: "98-76" }, "Wrong value in mobile_number: must be 4-15 digits"],
    [{ email_address: "nope" }, "Wrong value in email_address: must be a valid email address"],
    [{ mobile_country_code: "91a" }, "Wrong value in mobile_country_code: must be 1-4 digits"],
    [{ first_name: "" }, "Wrong value in first_name: must not be empty"],
    [
      { "options.get_client_auth_token": "yes" },
      "Wrong value in options.get_client_auth_token: must be true or false",
    ],
  ])("refuses %j with the creation's validation", async (form, message) => {
    const { id, reference, body } = await created();
    const response = await customers(`/customers/${id}`, { form });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error_code: "invalid_request", error_message: message });
    expect(await customerStub(merchant, reference).profile()).toMatchObject({
      last_updated: body.last_updated,
    });
  });

  it("answers 404 object_not_found for an unknown customer, and creates nothing", async () => {
    const reference = uid("ghost");
    const response = await customers(`/customers/${reference}`, { form: { first_name: "X" } });
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual(OBJECT_NOT_FOUND);
    expect(await customerStub(merchant, reference).profile()).toBeUndefined();
  });
});

describe("as Juspay's SDKs send it (docs/upi.md#customer-api)", () => {
  it("stores and returns mobile_country_code, 91 by default", async () => {
    expect((await created()).body.mobile_country_code).toBe("91");
    expect((await created({ mobile_country_code: "1" })).body.mobile_country_code).toBe("1");
  });

  it("accepts the merchant id as x-merchant-id", async () => {
    const { id } = await created();
    const response = await call(`/customers/${id}`, {
      headers: {
        Authorization: `Basic ${btoa(`${merchant.apiKey}:`)}`,
        "x-merchant-id": merchant.merchantId,
      },
    });
    expect(response.status).toBe(200);
  });

  it("accepts the API key form-urlencoded (RFC 6749 §2.3.1) as well as raw", async () => {
    const { id } = await created();
    const encoded = encodeURIComponent(merchant.apiKey).replaceAll("-", "%2D").replaceAll("_", "%5F");
    const response = await customers(`/customers/${id}`, {
      headers: { Authorization: `basic ${btoa(`${encoded}:`)}` },
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ["query, dotted", "?options.get_client_auth_token=true", undefined],
    ["query, True", "?options.get_client_auth_token=True", undefined],
    ["query, 1", "?options.get_client_auth_token=1", undefined],
    ["query, brackets", "?options%5Bget_client_auth_token%5D=true", undefined],
    ["JSON body, nested boolean", "", { options: { get_client_auth_token: true } }],
    ["JSON body, nested 1", "", { options: { get_client_auth_token: 1 } }],
    ["JSON body, dotted string", "", { "options.get_client_auth_token": "true" }],
  ])("reads options.get_client_auth_token from the %s", async (_label, query, jsonBody) => {
    const reference = uid("ref");
    const response = await customers(`/customers${query}`, {
      json: { object_reference_id: reference, ...(jsonBody ?? {}) },
    });
    expect(response.status).toBe(200);
    expect((await json(response)).juspay?.client_auth_token).toMatch(/^tkn_/);
  });

  it.each([
    ["false", "?options.get_client_auth_token=false"],
    ["0", "?options.get_client_auth_token=0"],
    ["False", "?options.get_client_auth_token=False"],
  ])("issues no token for %s (the twin)", async (_label, query) => {
    const response = await customers(`/customers${query}`, { form: { object_reference_id: uid("ref") } });
    expect(response.status).toBe(200);
    expect((await json(response)).juspay).toBeUndefined();
  });

  it("puts error_code in every error body (400, 401, 404, 405, 409)", async () => {
    const { reference } = await created();
    const responses = await Promise.all([
      customers("/customers", { form: {} }),
      customers("/customers/x", { headers: { Authorization: "Basic Og==" } }),
      customers(`/customers/${uid("ghost")}`),
      customers(`/customers/${reference}`, { method: "DELETE" }),
      customers("/customers", { form: { object_reference_id: reference } }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 401, 404, 405, 409]);
    for (const response of responses) expect(typeof (await json(response)).error_code).toBe("string");
  });
});
