import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAppSchema, ipAllowlistSchema, updateAppSchema } from "../../src/admin/schema";
import { authTokenBodySchema, legacyAuthTokenBodySchema, uniqueIdBodySchema } from "../../src/cpr/schema";
import { uniqueIdFor } from "../../src/cpr/unique-id";
import { createOrgSchema, updateOrgSchema } from "../../src/portal/admin-schema";
import { loginQuerySchema, passwordSchema } from "../../src/portal/schema";
import { echoOf } from "../../src/upi/envelope";
import { processError } from "../../src/upi/errors";
import {
  bankAccountSchema,
  createCustomerSchema,
  deviceBindingSchema,
  parseProcessRequest,
  vpaAccountsSchema,
} from "../../src/upi/schema";
import { decodeSignature, findDuplicateKey, parseSignedPayload } from "../../src/upi/signature";
import { call, postJson } from "../support/worker";
import { adminAuth } from "./fixtures";
import { expectNoInternals } from "./negative";

/**
 * Properties beyond the family suites (which already cover IP/CIDR parsing in
 * test/shared/ip-allowlist.test.ts and identifier canonicalisation and equal uniqueIds for equal
 * canonical spellings in test/cpr/unique-id.test.ts): no validator throws on any JSON value, every
 * refusal the Worker renders from such a value is the family's envelope, the request-id sanitiser,
 * and UPI's signature decoder.
 */

/** Any JSON value, with the object keys attackers like mixed in. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue(),
    fc.dictionary(
      fc.oneof(
        fc.string(),
        fc.constantFrom("__proto__", "constructor", "prototype", "appId", "payload", "requestId"),
      ),
      tie("value"),
      { maxKeys: 6 },
    ),
    fc.array(tie("value"), { maxLength: 4 }),
  ),
})).value;

/** Objects shaped like each family's bodies, with any JSON in their fields. */
const nearMissBody = (fields: readonly string[]) =>
  fc.dictionary(fc.constantFrom(...fields, "__proto__", "constructor"), hostileJson, {
    maxKeys: fields.length + 2,
  });

const SCHEMAS = {
  "CPR /v2/auth/token": authTokenBodySchema,
  "CPR legacy": legacyAuthTokenBodySchema,
  "CPR unique-id": uniqueIdBodySchema,
  "admin create app": createAppSchema,
  "admin update app": updateAppSchema,
  "admin allowlist": ipAllowlistSchema,
  "admin create org": createOrgSchema,
  "admin update org": updateOrgSchema,
  "portal query": loginQuerySchema,
  "portal password": passwordSchema,
  "UPI customer": createCustomerSchema,
  "UPI device binding": deviceBindingSchema,
  "UPI bank account": bankAccountSchema,
  "UPI vpa accounts": vpaAccountsSchema,
} as const;

const CPR_FIELDS = [
  "appId",
  "appKey",
  "transactionId",
  "workflowId",
  "expiry",
  "email",
  "mobileNumber",
  "authObject",
];

describe("validators never throw", () => {
  it.each(Object.entries(SCHEMAS))("%s: safeParse answers every JSON value", (_name, schema) => {
    fc.assert(
      fc.property(fc.oneof(hostileJson, nearMissBody(CPR_FIELDS)), (value) => {
        const result = schema.safeParse(value, { reportInput: true });
        if (!result.success) expect(typeof result.error.issues[0]!.message).toBe("string");
      }),
      { numRuns: 300 },
    );
  });

  it("UPI: parseProcessRequest and its wire mapping answer every JSON value with a 4xx envelope", () => {
    const envelopeFields = nearMissBody(["requestId", "service", "payload"]);
    fc.assert(
      fc.property(fc.oneof(hostileJson, envelopeFields), (body) => {
        const parsed = parseProcessRequest(body);
        if (parsed.ok) return;
        const wire = processError(parsed.reason, echoOf(body));
        expect(wire.status).toBeGreaterThanOrEqual(400);
        expect(wire.status).toBeLessThan(500);
        expect(wire.body).toMatchObject({
          service: "in.juspay.hyperapi",
          error: true,
          event: "process_result",
        });
      }),
      { numRuns: 500 },
    );
  });

  it("UPI: the signed payload parser and duplicate-key scanner answer every JSON text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        parseSignedPayload(text);
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        if (parsed) findDuplicateKey(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("the Worker answers any JSON body with the family's envelope, never a 500", () => {
  const refusals = (path: string, headers: Record<string, string> = {}) =>
    fc.asyncProperty(hostileJson, async (body) => {
      const response = await postJson(path, body, { headers });
      const text = await response.text();
      expect(response.status, text).toBeGreaterThanOrEqual(400);
      expect(response.status, text).toBeLessThan(500);
      expectNoInternals(text);
      expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    });

  it("CPR", async () => {
    await fc.assert(
      fc.asyncProperty(hostileJson, async (body) => {
        const response = await postJson("/v2/auth/token", body);
        const answer = await response.json();
        expect(response.status).toBe(400);
        expect(answer).toEqual({
          statusCode: 400,
          status: "failure",
          error: expect.any(String),
          errorCode: "invalid_request_body",
        });
      }),
      { numRuns: 40 },
    );
  });

  it.each([
    ["UPI", "/hyperapi/process", {}],
    ["admin", "/admin/v1/apps", adminAuth()],
    ["OAuth", "/oauth/introspect", adminAuth()],
  ])("%s", async (_family, path, headers) => {
    await fc.assert(refusals(path, headers), { numRuns: 40 });
  });

  it("portal: any refresh_token value is 400 or 401, never 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), async (value) => {
        const response = await call(`/api_auth?refresh_token=${encodeURIComponent(value)}`);
        const expected = value === "0" || value === "1" ? 401 : 400;
        expect(response.status).toBe(expected);
        expect(await response.json()).toEqual({
          error: expected === 400 ? "refresh_token must be 0 or 1" : "Invalid email or password",
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe("the request-id sanitiser", () => {
  const INCOMING = /^[A-Za-z0-9._:-]{1,128}$/;
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  // Header values are visible ASCII, space and tab; anything else never reaches a Worker.
  const headerText = fc.string({
    unit: fc.constantFrom(..."aZ09._:-/ \t%;\"'<>{}\\".split("")),
    maxLength: 140,
  });

  it("echoes exactly the well-formed ids and replaces every other with a fresh UUID", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerText, fc.stringMatching(INCOMING)), async (incoming) => {
        const response = await call("/healthz", { headers: { "X-Request-Id": incoming } });
        const echoed = response.headers.get("X-Request-Id")!;
        // The Fetch standard trims surrounding whitespace before the Worker sees the value.
        const seen = incoming.trim();
        if (INCOMING.test(seen)) expect(echoed).toBe(seen);
        else expect(echoed).toMatch(UUID);
      }),
      { numRuns: 100 },
    );
  });
});

describe("UPI's signature decoder", () => {
  const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.base64String(), fc.string({ unit: fc.constantFrom(..."AZaz09+/-_=%25 ") })),
        (text) => {
          decodeSignature(text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("decodes standard, URL-safe, unpadded and URL-encoded spellings of the same bytes to those bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), (bytes) => {
        const standard = toBase64(bytes);
        const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_");
        for (const spelling of [
          standard,
          urlSafe,
          urlSafe.replace(/=+$/, ""),
          encodeURIComponent(standard),
        ]) {
          expect(decodeSignature(spelling)).toEqual(bytes);
        }
      }),
    );
  });

  it("refuses text outside the base64 alphabets instead of decoding part of it", () => {
    fc.assert(
      fc.property(
        fc.base64String({ minLength: 4 }),
        fc.constantFrom("!", "*", "~", ".", "\u00e9"),
        fc.nat(),
        (text, bad, at) => {
          const position = at % (text.length + 1);
          expect(decodeSignature(`${text.slice(0, position)}${bad}${text.slice(position)}`)).toBeUndefined();
        },
      ),
    );
  });
});

describe("uniqueIds", () => {
  const SECRET = "property-secret";
  it("differ whenever (appId, kind, canonical identifier) differ: no two tuples share a message", async () => {
    const part = fc.string({ unit: fc.constantFrom("a", "b", ":", '"', ",", "[", "]", "\\"), maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(part, part, part, part, async (appA, idA, appB, idB) => {
        fc.pre(appA !== appB || idA !== idB);
        const a = await uniqueIdFor(SECRET, appA, { kind: "email", canonical: idA });
        const b = await uniqueIdFor(SECRET, appB, { kind: "email", canonical: idB });
        expect(a).not.toBe(b);
      }),
      { numRuns: 200 },
    );
  });

  it("differ between an email and a mobile number with the same text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[0-9]{12}$/), async (text) => {
        const email = await uniqueIdFor(SECRET, "app", { kind: "email", canonical: text });
        const mobile = await uniqueIdFor(SECRET, "app", { kind: "mobile", canonical: text });
        expect(email).not.toBe(mobile);
      }),
      { numRuns: 50 },
    );
  });
});
