import { afterAll, beforeAll, describe, expect } from "vitest";
import { tokenBody } from "../cpr/helpers";
import { uid } from "../support/worker";
import { signedBody } from "../upi/support";
import {
  adminAuth,
  basicAuth,
  deepArray,
  envelopes,
  faultRenderers,
  foreignIds,
  postRaw,
  provisionTenants,
  type Tenants,
  tenantSecrets,
  utf16le,
} from "./fixtures";
import { itRefuses, type RefusalCase, type RefusalTable } from "./negative";

/**
 * Malformed bodies and content-type tricks against every JSON route (issue 9). Already proven
 * elsewhere and not repeated here: CPR's per-field messages (test/cpr/validation.test.ts), 413 at
 * 64 KiB + 1 byte for every family (test/shared/http.test.ts), UPI's signaturePayload duplicate
 * keys (test/upi/process-signature.test.ts).
 */

type Answer = readonly [status: number, body: unknown];
type JsonType = "array" | "string" | "number" | "null" | "boolean";

interface JsonRoute {
  readonly family: keyof typeof faultRenderers;
  readonly path: string;
  readonly headers: () => Record<string, string>;
  /** A body this route accepts, as an object, so the tricks below start from something valid. */
  readonly valid: () => Promise<Record<string, unknown>>;
  /** The field validated first, and its answer when it has the wrong JSON type. */
  readonly firstField: string;
  /** `body`: the otherwise valid body the wrong value sits in, when there is one. */
  readonly wrongType: (received: JsonType, body?: Record<string, unknown>) => Answer;
  readonly notObject: (received: JsonType) => Answer;
  readonly malformed: Answer;
  /** The answer to a body that counts as missing (non-JSON content type, no body, `{}`). */
  readonly missing: Answer;
  /** The answer when an id-like field holds a lone surrogate or NUL; absent where such a value is accepted. */
  readonly badId?: { readonly field: string; readonly answer: (body: Record<string, unknown>) => Answer };
  /**
   * The answer to the first field given twice, where a repeat is
   * refused as such (OAuth, docs/http.md#repeated-parameters).
   */
  readonly repeated?: Answer;
  /** Rows only this route has. */
  readonly extra?: ReadonlyArray<readonly [string, () => Promise<Record<string, unknown>>, Answer]>;
}

let tenants: Tenants;
beforeAll(async () => {
  tenants = await provisionTenants();
});

const ID_RULE = "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -";
const cpr400 = (error: string): Answer => [400, envelopes.cpr(400, error)];
const CPR_UNAUTHORIZED: Answer = [
  401,
  envelopes.cpr(401, "IP not whitelisted or authorization failed", "unauthorized_access"),
];
const TOKEN_REQUIRED: Answer = [
  400,
  envelopes.oauth("invalid_request", "The token parameter is required (form or JSON body)"),
];
const adminBad = (message: string): Answer => [400, envelopes.admin("invalid_request", message)];
const customersBad = (code: string, message: string): Answer => [
  400,
  envelopes.customers(code, "invalid_request", message),
];

const cprTokenRoute = (path: string): JsonRoute => ({
  family: "cpr",
  path,
  headers: () => ({}),
  valid: async () => tokenBody(tenants.app),
  firstField: "appId",
  wrongType: () => cpr400('"appId" must be a string'),
  notObject: () => cpr400('"value" must be of type object'),
  malformed: cpr400("Request body is not valid JSON"),
  missing: cpr400('"appId" is required'),
  badId: { field: "appId", answer: () => CPR_UNAUTHORIZED },
});

const routes: Record<string, JsonRoute> = {
  "CPR /v2/auth/token": cprTokenRoute("/v2/auth/token"),
  "CPR /v2/generate-auth-token": cprTokenRoute("/v2/generate-auth-token"),
  "CPR /v2/generate-unique-id": {
    family: "cpr",
    path: "/v2/generate-unique-id",
    headers: () => ({ appid: tenants.app.appId, appkey: tenants.app.appKey }),
    valid: async () => ({
      transactionId: uid("txn"),
      workflowId: tenants.app.workflowId,
      email: `${uid("u")}@example.com`,
    }),
    firstField: "transactionId",
    wrongType: () => cpr400('"transactionId" must be a string'),
    notObject: () => cpr400('"value" must be of type object'),
    malformed: cpr400("Request body is not valid JSON"),
    missing: cpr400('"transactionId" is required'),
  },
  "UPI /hyperapi/process": {
    family: "upi",
    path: "/hyperapi/process",
    headers: () => ({}),
    valid: async () => signedBody(tenants.merchant, { customerId: uid("c") }),
    firstField: "requestId",
    // A failure echoes the action once the body carries one (docs/upi.md#envelope).
    wrongType: (_received, body) => [
      400,
      envelopes.upi("INVALID_INPUT", "requestId must be a UUID", "", body && "upiGetSessionToken"),
    ],
    notObject: () => [400, envelopes.upi("INVALID_INPUT", "Request body must be a JSON object")],
    malformed: [400, envelopes.upi("INVALID_INPUT", "Request body is not valid JSON")],
    missing: [400, envelopes.upi("MISSING_MANDATORY_PARAMETER", "requestId is required")],
    badId: {
      field: "payload.merchantKeyId",
      answer: (body) => [
        400,
        envelopes.upi(
          "INVALID_INPUT",
          `payload.merchantKeyId ${ID_RULE}`,
          body.requestId as string,
          "upiGetSessionToken",
        ),
      ],
    },
  },
  "UPI POST /customers": {
    family: "customers",
    path: "/customers",
    headers: () => ({
      "x-merchantid": tenants.merchant.merchantId,
      ...basicAuth(tenants.merchant.apiKey, ""),
    }),
    valid: async () => ({ object_reference_id: uid("c") }),
    firstField: "object_reference_id",
    wrongType: () => customersBad("INVALID_INPUT", "Wrong value in object_reference_id: must be a string"),
    notObject: () =>
      customersBad("MISSING_MANDATORY_PARAMETER", "Mandatory parameter object_reference_id is missing"),
    malformed: customersBad("INVALID_INPUT", "Wrong value in body: not valid JSON"),
    missing: customersBad(
      "MISSING_MANDATORY_PARAMETER",
      "Mandatory parameter object_reference_id is missing",
    ),
    badId: {
      field: "object_reference_id",
      answer: () => customersBad("INVALID_INPUT", `Wrong value in object_reference_id: ${ID_RULE}`),
    },
  },
  "OAuth /oauth/introspect": {
    family: "oauth",
    path: "/oauth/introspect",
    headers: adminAuth,
    valid: async () => ({ token: "not-a-live-token" }),
    firstField: "token",
    repeated: [400, envelopes.oauth("invalid_request", "The token parameter must appear only once")],
    wrongType: () => TOKEN_REQUIRED,
    notObject: () => TOKEN_REQUIRED,
    malformed: TOKEN_REQUIRED,
    missing: TOKEN_REQUIRED,
  },
  "admin POST /admin/v1/apps": {
    family: "admin",
    path: "/admin/v1/apps",
    headers: adminAuth,
    valid: async () => ({ appId: uid("app"), ipAllowlist: [], workflows: [] }),
    firstField: "appId",
    wrongType: (received) => adminBad(`appId: Invalid input: expected string, received ${received}`),
    notObject: (received) => adminBad(`body: Invalid input: expected object, received ${received}`),
    malformed: adminBad("Request body is not valid JSON"),
    missing: adminBad("appId: is required"),
    badId: { field: "appId", answer: () => adminBad(`appId: ${ID_RULE}`) },
    extra: [
      [
        "an unknown field",
        async () => ({ appId: uid("app"), ipAllowlist: [], workflows: [], isAdmin: true }),
        adminBad('body: Unrecognized key: "isAdmin"'),
      ],
    ],
  },
};

const NON_OBJECTS: ReadonlyArray<readonly [string, JsonType]> = [
  ["[]", "array"],
  ['"text"', "string"],
  ["42", "number"],
  ["null", "null"],
  ["true", "boolean"],
];

/** Sets a dotted field (`payload.merchantKeyId`) on a copy of the body. */
function withField(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const names = path.split(".");
  let target = copy;
  for (const name of names.slice(0, -1)) target = target[name] as Record<string, unknown>;
  target[names.at(-1)!] = value;
  return copy;
}

function rowsFor(route: JsonRoute): RefusalTable {
  const refusal = (send: () => Promise<Response>, [status, body]: Answer): RefusalCase => ({
    send,
    status,
    body,
    secrets: tenantSecrets(tenants),
    foreignIds: foreignIds(tenants),
  });
  const raw =
    (text: BodyInit, contentType: string | null = "application/json") =>
    () =>
      postRaw(route.path, text, contentType, { headers: route.headers() });
  const rows: Array<readonly [string, () => Promise<RefusalCase>]> = [
    ...NON_OBJECTS.map(
      ([text, type]) =>
        [`the non-object JSON body ${text}`, async () => refusal(raw(text), route.notObject(type))] as const,
    ),
    ["truncated JSON", async () => refusal(raw('{"a":'), route.malformed)],
    ["single-quoted pseudo-JSON", async () => refusal(raw("{'a':1}"), route.malformed)],
    [
      "32,000-deep nesting [[[…]]] (just under 64 KiB)",
      async () => refusal(raw(deepArray(32_000)), route.notObject("array")),
    ],
    [
      "100,000-deep nesting [[[…]]] (over 64 KiB: 413 before parsing)",
      async () => {
        const wire = faultRenderers[route.family]!("payload_too_large");
        return refusal(raw(deepArray(100_000)), [wire.status, wire.body]);
      },
    ],
    [
      `30,000-deep nesting inside ${route.firstField}`,
      async () => refusal(raw(`{"${route.firstField}":${deepArray(30_000)}}`), route.wrongType("array")),
    ],
    [
      `a duplicate ${route.firstField} whose last copy has the wrong type (the last one counts, or the repeat is refused)`,
      async () => {
        const valid = await route.valid();
        const text = `${JSON.stringify(valid).slice(0, -1)},"${route.firstField}":42}`;
        return refusal(raw(text), route.repeated ?? route.wrongType("number", valid));
      },
    ],
    [
      "the fields hidden under __proto__",
      async () => refusal(raw(`{"__proto__":${JSON.stringify(await route.valid())}}`), route.missing),
    ],
    [
      "the fields hidden under constructor.prototype",
      async () =>
        refusal(raw(`{"constructor":{"prototype":${JSON.stringify(await route.valid())}}}`), route.missing),
    ],
    [
      "a valid body sent as text/plain (counts as missing, so nothing is written)",
      async () => refusal(raw(JSON.stringify(await route.valid()), "text/plain"), route.missing),
    ],
    [
      "a valid body sent without a content type",
      async () => refusal(raw(JSON.stringify(await route.valid()), null), route.missing),
    ],
    [
      "a valid body sent as application/x-www-form-urlencoded JSON text",
      async () =>
        refusal(raw(JSON.stringify(await route.valid()), "application/x-www-form-urlencoded"), route.missing),
    ],
    [
      "UTF-16 bytes under application/json; charset=utf-16",
      async () =>
        refusal(
          raw(utf16le(JSON.stringify(await route.valid())), "application/json; charset=utf-16"),
          route.malformed,
        ),
    ],
    [
      "a non-object under application/json; charset=utf-16 (still read as JSON)",
      async () => refusal(raw("[]", "application/json; charset=utf-16"), route.notObject("array")),
    ],
    [
      "truncated JSON under APPLICATION/JSON (read as JSON in any case)",
      async () => refusal(raw('{"a":', "APPLICATION/JSON"), route.malformed),
    ],
  ];
  const { badId } = route;
  if (badId) {
    for (const [what, value] of [
      ["a lone high surrogate", "\ud800"],
      ["a lone low surrogate", "a\udc00b"],
      ["a NUL", "app\u0000id"],
    ] as const) {
      rows.push([
        `${badId.field} holding ${what}`,
        async () => {
          const body = withField(await route.valid(), badId.field, value);
          return refusal(raw(JSON.stringify(body)), badId.answer(body));
        },
      ]);
    }
  }
  for (const [what, build, answer] of route.extra ?? []) {
    rows.push([what, async () => refusal(raw(JSON.stringify(await build())), answer)]);
  }
  return rows;
}

describe.each(Object.entries(routes))("%s", (_name, route) => {
  itRefuses(rowsFor(route));
});

afterAll(() => {
  // No body above, __proto__ and constructor keys included, may reach Object.prototype.
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(({} as Record<string, unknown>).appId).toBeUndefined();
});
