import { describe, expect, it } from "vitest";
import { MAX_EMAIL_BYTES, utf8Length } from "../../src/shared/identifiers";
import { AUTH_TOKEN, badBody, LEGACY_AUTH_TOKEN, stateOf, tokenBody, UNIQUE_ID } from "../cpr/helpers";
import { INVALID_CREDENTIALS, login, provisionOrg, provisionUser } from "../portal/support";
import { capturedLog } from "../support/log";
import { provisionApp } from "../support/tenants";
import { admin, json, postJson, uid } from "../support/worker";

/**
 * docs/http.md#storage-key-bounds storage-key bounds (issue 13 #3): an input that becomes part of a KV key or
 * a Durable Object name is bounded in UTF-8 bytes where it is validated; one byte too long gets the family's
 * ordinary answer for a wrong value, never a 500. Multibyte text: `é` (2 bytes in UTF-8), `€` (3 bytes),
 * `😀` (4 bytes); a header value is sent as its UTF-8 bytes, as curl sends what it is given.
 */

/** An email of exactly `bytes` UTF-8 bytes, mostly `char`, unique per call. */
function emailOfBytes(bytes: number, char = "é"): string {
  const domain = `@${uid("d").slice(0, 8)}.example.com`;
  const charBytes = utf8Length(char);
  const room = bytes - domain.length;
  const repeats = Math.floor((room - 1) / charBytes);
  return `${char.repeat(repeats)}${"a".repeat(room - repeats * charBytes)}${domain}`;
}

describe("portal: X-User-Email is bounded in UTF-8 bytes", () => {
  it("answers a 200-character multibyte email with the ordinary 401, not a 500 (issue 13 #3)", async () => {
    const email = `${"€".repeat(188)}@example.com`;
    expect(email).toHaveLength(200);
    const response = await login({ email, password: "whatever-password" });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(INVALID_CREDENTIALS);
  });

  it(`accepts an email of exactly ${MAX_EMAIL_BYTES} bytes end to end, and refuses ${MAX_EMAIL_BYTES + 1}`, async () => {
    const org = await provisionOrg();
    const password = `Pw-${crypto.randomUUID()}`;
    const fits = emailOfBytes(MAX_EMAIL_BYTES);
    expect(utf8Length(fits)).toBe(MAX_EMAIL_BYTES);
    expect((await admin("POST", `/orgs/${org.id}/users`, { email: fits, password })).status).toBe(201);
    expect((await login({ email: fits, password })).status).toBe(200);

    const over = emailOfBytes(MAX_EMAIL_BYTES + 1);
    expect(utf8Length(over)).toBe(MAX_EMAIL_BYTES + 1);
    const created = await admin("POST", `/orgs/${org.id}/users`, { email: over, password });
    expect(created.status).toBe(400);
    expect((await json(created)).error.code).toBe("invalid_request");
    const lines = await capturedLog(async () => {
      const response = await login({ email: over, password });
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual(INVALID_CREDENTIALS);
    });
    expect(lines.some((line) => line.reason === "email_malformed")).toBe(true);
  });

  it("answers an over-long email like an unknown one, byte for byte", async () => {
    const user = await provisionUser();
    const unknown = await login({ email: `${uid("nobody")}@example.com`, password: user.password });
    const overLong = await login({ email: emailOfBytes(MAX_EMAIL_BYTES + 1), password: user.password });
    expect([unknown.status, overLong.status]).toEqual([401, 401]);
    expect(await overLong.text()).toBe(await unknown.text());
  });
});

describe("admin user routes: an email too long to store is a 400 (issue 13 #3)", () => {
  const long = `${"€".repeat(100)}@example.com`;
  const path = `/users/${encodeURIComponent(long)}`;
  it.each([
    ["GET", "/users/{email}", path, undefined],
    ["PATCH", "/users/{email}", path, { disabled: true }],
    ["DELETE", "/users/{email}", path, undefined],
    ["POST", "/users/{email}/unlock", `${path}/unlock`, undefined],
  ])("%s %s", async (method, _title, route, body) => {
    const response = await admin(method, route, body);
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe("invalid_request");
  });

  it("POST /orgs/{id}/users", async () => {
    const org = await provisionOrg();
    const response = await admin("POST", `/orgs/${org.id}/users`, {
      email: long,
      password: "Pw-long-enough",
    });
    expect(response.status).toBe(400);
  });
});

describe("CPR: transactionId names a Durable Object, so it is bounded in UTF-8 bytes", () => {
  const LENGTH_MESSAGE = '"transactionId" length must be less than or equal to 256 characters long';
  const exactly256 = [`${"€".repeat(85)}x`, "😀".repeat(64)];
  const over256 = [`${"€".repeat(85)}xy`, `${"😀".repeat(64)}x`];

  it.each(exactly256)("accepts a transactionId of exactly 256 bytes (%#)", async (transactionId) => {
    expect(utf8Length(transactionId)).toBe(256);
    const app = await provisionApp();
    const response = await postJson(AUTH_TOKEN, tokenBody(app, { transactionId: `${transactionId}` }));
    expect(response.status).toBe(200);
    expect(await stateOf(app.appId, transactionId)).toBeDefined();
  });

  it.each(over256)(
    "refuses one byte more with the length message on every route (%s)",
    async (transactionId) => {
      expect(utf8Length(transactionId)).toBe(257);
      const app = await provisionApp();
      for (const [path, body, headers] of [
        [AUTH_TOKEN, tokenBody(app, { transactionId }), {}],
        [LEGACY_AUTH_TOKEN, tokenBody(app, { transactionId }), {}],
        [
          UNIQUE_ID,
          { transactionId, workflowId: app.workflowId, email: "a@example.com" },
          { appid: app.appId, appkey: app.appKey },
        ],
      ] as const) {
        const response = await postJson(path, body, { headers });
        expect(response.status).toBe(400);
        expect(await json(response)).toEqual(badBody(LENGTH_MESSAGE));
      }
      expect(await stateOf(app.appId, transactionId)).toBeUndefined();
    },
  );

  it("admin: revoking a transactionId one byte too long is a 400", async () => {
    const app = await provisionApp();
    const response = await admin(
      "POST",
      `/apps/${app.appId}/transactions/${encodeURIComponent(over256[0]!)}/revoke`,
    );
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe("invalid_request");
  });
});
