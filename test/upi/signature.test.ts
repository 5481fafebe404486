import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskBoundMobile, viewCustomer } from "../../src/upi/customer-state";
import {
  checkTimestamp,
  decodeSignature,
  findDuplicateKey,
  parseSignedPayload,
} from "../../src/upi/signature";

describe("findDuplicateKey", () => {
  it.each([
    ['{"a":1,"a":2}', "a"],
    ['{"a":{"b":1,"b":2}}', "b"],
    ['{"a":"\\"b","\\u0061":1}', "a"],
    ['[{"x":1},{"x":2}]', undefined],
    ['{"a":{"a":1},"b":["a","a"]}', undefined],
    ['{"k\\\\":1,"k":2}', undefined],
  ])("%s → %s", (text, duplicate) => {
    expect(findDuplicateKey(text)).toBe(duplicate);
  });

  it("finds no duplicate in anything JSON.stringify writes", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => findDuplicateKey(JSON.stringify(value)) === undefined));
  });
});

describe("decodeSignature", () => {
  const bytes = Uint8Array.from([251, 255, 191, 0, 1]);
  it.each(["+/+/AAE=", "-_-_AAE", "%2B%2F%2B%2FAAE%3D", " +/+/AAE= "])("decodes %s", (text) => {
    expect(decodeSignature(text)).toEqual(bytes);
  });
  it.each(["not*base64", "A", "%zz"])("refuses %s", (text) => {
    expect(decodeSignature(text)).toBeUndefined();
  });
});

describe("checkTimestamp", () => {
  const now = 1_800_000_000_000;
  it.each([
    [now - 900_000, "in_window"],
    [now - 900_001, "timestamp_too_old"],
    [now + 60_000, "in_window"],
    [now + 60_001, "timestamp_in_future"],
    [Math.floor(now / 1000), "timestamp_too_old"],
  ])("%i → %s", (timestamp, expected) => {
    expect(checkTimestamp(timestamp, now, 900)).toBe(expected);
  });
});

describe("parseSignedPayload", () => {
  it("canonicalises the mobile number and takes a numeric timestamp", () => {
    expect(
      parseSignedPayload(
        '{"merchant_id":"m","customer_id":"c","timestamp":1700000000000,"customer_mobile_number":"+91 98765 43210"}',
      ),
    ).toEqual({
      ok: true,
      value: {
        merchantId: "m",
        customerId: "c",
        timestamp: 1_700_000_000_000,
        customerMobileNumber: "919876543210",
      },
    });
  });

  it.each([
    [
      '{"customer_id":"c","timestamp":"1"}',
      { code: "missing_parameter", field: "signaturePayload.merchant_id" },
    ],
    [
      '{"merchant_id":"m","customer_id":"c"}',
      { code: "missing_parameter", field: "signaturePayload.timestamp" },
    ],
    [
      '["m","c"]',
      { code: "invalid_input", message: "signaturePayload must be a string holding a JSON object" },
    ],
    [
      '{"merchant_id":"m","customer_id":"c","timestamp":"-5"}',
      {
        code: "invalid_input",
        message: "signaturePayload.timestamp must be the time in milliseconds, as a string of digits",
      },
    ],
    [
      '{"merchant_id":"m","customer_id":"c","timestamp":"1","customer_mobile_number":"12"}',
      { code: "invalid_input", message: "signaturePayload.customer_mobile_number must be a mobile number" },
    ],
  ])("refuses %s", (text, reason) => {
    expect(parseSignedPayload(text)).toEqual({ ok: false, reason });
  });

  it("never throws on any string", () => {
    fc.assert(fc.property(fc.string(), (text) => typeof parseSignedPayload(text).ok === "boolean"));
  });
});

describe("customer state", () => {
  const binding = { deviceFingerPrint: "fp", mobileNumber: "919876543210", activated: true, updatedAt: "t" };
  it("masks all but the first 2 and last 4 digits", () => {
    expect(maskBoundMobile("919876543210")).toBe("91XXXXXX3210");
  });
  it.each([
    [undefined, [], undefined, "FRESH"],
    [binding, [], undefined, "BOUND"],
    [binding, [], "919876543210", "BOUND"],
    [binding, [], "919999999999", "FRESH"],
    [binding, [{ vpa: "a@b", accounts: [] }], undefined, "LINKED"],
  ] as const)("%#: status %s", (device, accounts, asked, status) => {
    expect(viewCustomer(device, accounts as never, asked).view.status).toBe(status);
  });
});
