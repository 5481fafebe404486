import { env } from "cloudflare:workers";
import { decodeJwt, jwtVerify } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type Identifier, uniqueIdFor } from "../../src/cpr/unique-id";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { json, uid } from "../support/worker";
import { grantedToken, requestToken, servedJwks, stateOf, tokenBody } from "./helpers";

let app: ProvisionedApp;
beforeAll(async () => {
  app = await provisionApp();
});

const expectedUniqueId = (identifier: Identifier) => uniqueIdFor(env.UNIQUE_ID_SECRET, app.appId, identifier);

describe("the CPR token (docs/cpr.md#the-token)", () => {
  it("answers the seed's success body with a JWT that verifies against the served JWKS", async () => {
    const before = Math.floor(Date.now() / 1000);
    const { answer, claims, transactionId, body } = await grantedToken(app, { expiry: 3600 });
    expect(answer).toEqual({
      statusCode: 200,
      status: "success",
      result: {
        authToken: expect.stringMatching(/^Bearer /),
        metadata: {
          appId: app.appId,
          transactionId,
          workflowId: app.workflowId,
          journeyId: expect.any(String),
        },
      },
    });
    expect(claims).toEqual({
      iss: `${env.ISSUER}/cpr`,
      aud: app.appId,
      sub: transactionId,
      iat: expect.any(Number),
      exp: claims.iat! + 3600,
      jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      appId: app.appId,
      transactionId,
      workflowId: body.workflowId,
      journeyId: answer.result.metadata.journeyId,
      authenticateOnResume: "no",
      rev: 0,
      inc: app.incarnation,
    });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
  });

  it("lives 43200 s by default, and exactly `expiry` seconds otherwise", async () => {
    const byDefault = await grantedToken(app);
    expect(byDefault.claims.exp! - byDefault.claims.iat!).toBe(43_200);
    // Verified at chosen instants only: a one-second token may be gone before a wall-clock check.
    const response = await requestToken(tokenBody(app, { expiry: 1 }));
    const jwt = (await json(response)).result.authToken.slice("Bearer ".length);
    const claims = decodeJwt(jwt);
    const jwks = await servedJwks();
    const at = (seconds: number) => ({ currentDate: new Date(seconds * 1000), clockTolerance: 0 });
    await expect(jwtVerify(jwt, jwks, at(claims.iat! + 0.999))).resolves.toBeDefined();
    await expect(jwtVerify(jwt, jwks, at(claims.exp!))).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  it("carries Cache-Control: no-store and a request id", async () => {
    const response = await requestToken(tokenBody(app));
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });
});

describe("the seed's uniqueId table (docs/cpr.md#unique-id)", () => {
  it.each([
    [
      "email given, authenticateOnResume yes",
      true,
      false,
      { email: "Jane@Example.com", authenticateOnResume: "yes" },
    ],
    [
      "email given, authenticateOnResume no",
      true,
      true,
      { email: "Jane@Example.com", authenticateOnResume: "no" },
    ],
    ["mobile given, default (no)", true, true, { mobileNumber: "+91 98765 43210" }],
    ["nothing given, authenticateOnResume yes", false, false, { authenticateOnResume: "yes" }],
    ["nothing given, authenticateOnResume no", false, false, { authenticateOnResume: "no" }],
  ])("%s: created %s, embedded %s", async (_row, created, embedded, fields: Record<string, string>) => {
    const { claims, transactionId } = await grantedToken(app, fields);
    const state = await stateOf(app.appId, transactionId);
    const identifier: Identifier | undefined = fields.email
      ? { kind: "email", canonical: fields.email.toLowerCase() }
      : fields.mobileNumber
        ? { kind: "mobile", canonical: "919876543210" }
        : undefined;
    const uniqueId = identifier && (await expectedUniqueId(identifier));
    expect(state!.uniqueId).toBe(created ? uniqueId : undefined);
    expect(claims.uniqueId).toBe(embedded ? uniqueId : undefined);
    expect(claims.authenticateOnResume).toBe(fields.authenticateOnResume ?? "no");
  });

  it("never embeds a stored uniqueId into a token whose request gave no identifier", async () => {
    const first = await grantedToken(app, { email: `${uid("p")}@example.com` });
    expect(first.claims.uniqueId).toMatch(/^[0-9a-f]{32}$/);
    const again = await grantedToken(app, { transactionId: first.transactionId });
    expect(again.claims.uniqueId).toBeUndefined();
    expect((await stateOf(app.appId, first.transactionId))!.uniqueId).toBe(first.claims.uniqueId);
  });
});

describe("uniqueId canonicalisation pins (docs/cpr.md#unique-id)", () => {
  async function uniqueIdOf(fields: Record<string, string>): Promise<string> {
    return (await grantedToken(app, fields)).claims.uniqueId as string;
  }

  it("gives A@x.com and a@x.com one uniqueId", async () => {
    expect(await uniqueIdOf({ email: "A@x.com" })).toBe(await uniqueIdOf({ email: "a@x.com" }));
  });

  it("gives 9876543210, 09876543210, +91 98765 43210 and 919876543210 one uniqueId", async () => {
    const ids = new Set(
      await Promise.all(
        ["9876543210", "09876543210", "+91 98765 43210", "919876543210", "+91 (98765)-43210"].map(
          (mobileNumber) => uniqueIdOf({ mobileNumber }),
        ),
      ),
    );
    expect(ids.size).toBe(1);
    expect([...ids][0]).toBe(await expectedUniqueId({ kind: "mobile", canonical: "919876543210" }));
  });

  it.each([
    [{ email: "a@x.com" }, { email: "b@x.com" }],
    [{ mobileNumber: "9876543210" }, { mobileNumber: "9876543211" }],
    [{ mobileNumber: "449876543210" }, { mobileNumber: "919876543210" }],
  ])("keeps different people apart (%j vs %j)", async (one, two) => {
    expect(await uniqueIdOf(one)).not.toBe(await uniqueIdOf(two));
  });

  it("gives one person different uniqueIds in different apps", async () => {
    const otherApp = await provisionApp();
    const mine = await uniqueIdOf({ email: "same@x.com" });
    const theirs = (await grantedToken(otherApp, { email: "same@x.com" })).claims.uniqueId;
    expect(theirs).toMatch(/^[0-9a-f]{32}$/);
    expect(theirs).not.toBe(mine);
  });
});
