import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SIGNATURE_WINDOW_MS } from "../../src/cpr/request-signature";
import { pem, requestKeyParams } from "../support/keys";
import { type ProvisionedApp, provisionApp } from "../support/tenants";
import { admin, call, json, postJson, TEST_IP, uid } from "../support/worker";
import {
  AUTH_TOKEN,
  failure,
  LEGACY_AUTH_TOKEN,
  postRaw,
  requestToken,
  stateOf,
  tokenBody,
  UNAUTHORIZED,
} from "./helpers";

let app: ProvisionedApp;
let other: ProvisionedApp;
beforeAll(async () => {
  app = await provisionApp({ ipAllowlist: [TEST_IP, "2001:db8::/32"] });
  other = await provisionApp();
});

describe("credentials and IP (docs/cpr.md#credentials-and-ip)", () => {
  const denials: Array<
    [string, () => { body: Record<string, unknown>; headers?: Record<string, string>; ip?: string | null }]
  > = [
    ["an unknown appId", () => ({ body: tokenBody(app, { appId: uid("ghost") }) })],
    ["an appId outside the id syntax", () => ({ body: tokenBody(app, { appId: "ü".repeat(256) }) })],
    ["a wrong appKey", () => ({ body: tokenBody(app, { appKey: `${app.appKey}x` }) })],
    ["the appKey of another app", () => ({ body: tokenBody(app, { appKey: other.appKey }) })],
    ["a client IP outside the allowlist", () => ({ body: tokenBody(app), ip: "203.0.113.11" })],
    ["an IPv6 client outside the allowlist", () => ({ body: tokenBody(app), ip: "2001:db9::1" })],
    ["no CF-Connecting-IP", () => ({ body: tokenBody(app), ip: null })],
    ["an unparsable CF-Connecting-IP", () => ({ body: tokenBody(app), ip: "203.0.113.010" })],
    [
      "an X-Forwarded-For naming an allowed IP",
      () => ({
        body: tokenBody(app),
        ip: null,
        headers: { "X-Forwarded-For": TEST_IP, "X-Real-IP": TEST_IP },
      }),
    ],
  ];

  it.each(denials)("answers %s with the one 401 and writes nothing", async (_cause, make) => {
    const { body, headers, ip } = make();
    const response = await requestToken(body, { headers, ip });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    if (typeof body.appId === "string" && /^[\w.:@-]{1,128}$/.test(body.appId)) {
      expect(await stateOf(body.appId, body.transactionId as string)).toBeUndefined();
    }
  });

  it("answers every cause with byte-identical bodies", async () => {
    const bodies = new Set<string>();
    for (const [, make] of denials) {
      const { body, headers, ip } = make();
      bodies.add(await (await requestToken(body, { headers, ip })).text());
    }
    expect(bodies.size).toBe(1);
  });

  it.each([
    ["the allowlisted IPv4 address", TEST_IP],
    ["an address inside the IPv6 range", "2001:db8::42"],
    ["the IPv4-mapped form of the allowlisted address", `::ffff:${TEST_IP}`],
  ])("admits %s (the accept twin)", async (_what, ip) => {
    const response = await requestToken(tokenBody(app), { ip });
    expect(response.status).toBe(200);
  });

  it("logs the precise cause but never the appKey, the token or the full email", async () => {
    const spy = vi.spyOn(console, "log");
    try {
      await requestToken(tokenBody(app, { appKey: "wrong-key-that-must-not-be-logged" }));
      await requestToken(tokenBody(app), { ip: "198.51.100.1" });
      const granted = await json(await requestToken(tokenBody(app, { email: "jane.private@example.com" })));
      const logged = spy.mock.calls.map((args) => String(args[0])).join("\n");
      expect(logged).toContain('"reason":"app_key_mismatch"');
      expect(logged).toContain('"reason":"ip_not_allowed"');
      expect(logged).toContain('"identifier":"j***@e***.com"');
      for (const secret of [
        "wrong-key-that-must-not-be-logged",
        app.appKey,
        "jane.private",
        granted.result.authToken,
      ]) {
        expect(logged).not.toContain(secret);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it("answers a corrupt app record with the CPR 500, never as admitted", async () => {
    const appId = uid("corrupt");
    await env.CONFIG.put(`app:${appId}`, JSON.stringify({ appId, ipAllowlist: "everyone" }));
    const response = await requestToken(tokenBody(app, { appId }));
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual(failure(500, "internal_server_error", "Internal server error"));
  });

  it.each([
    ["GET", "/v2/auth/token", 405],
    ["PUT", "/v2/generate-unique-id", 405],
    ["POST", "/v2/auth/tokens", 404],
  ])("answers %s %s with %i in the CPR envelope", async (method, path, status) => {
    const response = await call(path, { method });
    expect(response.status).toBe(status);
    expect(await json(response)).toEqual(
      status === 405
        ? failure(405, "method_not_allowed", "Method not allowed")
        : failure(404, "not_found", "Route not found"),
    );
    if (status === 405) expect(response.headers.get("Allow")).toBe("POST");
  });

  it("checks credentials before the workflow, so an unknown workflow of a wrong key is still 401", async () => {
    const response = await requestToken(tokenBody(app, { appKey: "wrong", workflowId: "nope" }));
    expect(response.status).toBe(401);
  });

  it("answers an unregistered workflowId with 404 workflow_not_found and writes nothing", async () => {
    const body = tokenBody(app, { workflowId: other.workflowId });
    const response = await requestToken(body);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({
      statusCode: 404,
      status: "failure",
      error: "Workflow not found",
      errorCode: "workflow_not_found",
    });
    expect(await stateOf(app.appId, body.transactionId as string)).toBeUndefined();
  });
});

const encoder = new TextEncoder();

interface Signer {
  readonly keyId: string;
  sign(message: string): Promise<string>;
}

async function registerSigner(appId: string, alg: "RS256" | "PS256" | "ES256"): Promise<Signer> {
  const pair = (await crypto.subtle.generateKey(requestKeyParams(alg), true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const keyId = uid("key");
  const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
  const response = await admin("PUT", `/apps/${appId}/request-keys/${keyId}`, {
    publicKey: pem("PUBLIC KEY", spki),
    alg,
  });
  expect(response.status).toBe(201);
  const params =
    alg === "ES256"
      ? { name: "ECDSA", hash: "SHA-256" }
      : alg === "PS256"
        ? { name: "RSA-PSS", saltLength: 32 }
        : { name: "RSASSA-PKCS1-v1_5" };
  return {
    keyId,
    async sign(message) {
      const signature = await crypto.subtle.sign(params, pair.privateKey, encoder.encode(message));
      return btoa(String.fromCharCode(...new Uint8Array(signature)));
    },
  };
}

async function signedHeaders(signer: Signer, raw: string, timestamp = Date.now()) {
  return {
    "X-Key-Id": signer.keyId,
    "X-Timestamp": String(timestamp),
    "X-Signature": await signer.sign(`${timestamp}.${raw}`),
  };
}

describe("request signatures (docs/cpr.md#request-signatures)", () => {
  let signed: ProvisionedApp;
  const signers: Partial<Record<"RS256" | "PS256" | "ES256", Signer>> = {};
  beforeAll(async () => {
    signed = await provisionApp();
    for (const alg of ["RS256", "PS256", "ES256"] as const)
      signers[alg] = await registerSigner(signed.appId, alg);
  });

  it.each(["RS256", "PS256", "ES256"] as const)(
    "accepts a request signed with a registered %s key",
    async (alg) => {
      const raw = JSON.stringify(tokenBody(signed));
      const response = await postRaw(AUTH_TOKEN, raw, "application/json", {
        headers: await signedHeaders(signers[alg]!, raw),
      });
      expect(response.status).toBe(200);
    },
  );

  it("signs the exact raw bytes: whitespace the parser would drop still counts", async () => {
    const raw = `{ "appId" : "${signed.appId}", "appKey":"${signed.appKey}",\n"transactionId":"${uid("txn")}","workflowId":"${signed.workflowId}"}`;
    const headers = await signedHeaders(signers.ES256!, raw);
    expect((await postRaw(AUTH_TOKEN, raw, "application/json", { headers })).status).toBe(200);
    const reformatted = JSON.stringify(JSON.parse(raw));
    const response = await postRaw(AUTH_TOKEN, reformatted, "application/json", { headers });
    expect(response.status).toBe(401);
  });

  it("covers the legacy route too", async () => {
    const raw = JSON.stringify(tokenBody(signed));
    expect((await postRaw(LEGACY_AUTH_TOKEN, raw, "application/json")).status).toBe(401);
    const headers = await signedHeaders(signers.RS256!, raw);
    expect((await postRaw(LEGACY_AUTH_TOKEN, raw, "application/json", { headers })).status).toBe(200);
  });

  const rejections: Array<
    [string, (raw: string) => Promise<{ raw: string; headers: Record<string, string> }>]
  > = [
    ["no signature headers", async (raw) => ({ raw, headers: {} })],
    [
      "a body with one byte changed",
      // The changed byte is in a field the route ignores: only the signature can notice it.
      async (raw) => ({
        raw: raw.replace('"note":"a"', '"note":"b"'),
        headers: await signedHeaders(signers.ES256!, raw),
      }),
    ],
    [
      "a signature with one byte changed",
      async (raw) => {
        const headers = await signedHeaders(signers.RS256!, raw);
        const bytes = Uint8Array.from(atob(headers["X-Signature"]), (char) => char.charCodeAt(0));
        bytes[10]! ^= 1;
        return { raw, headers: { ...headers, "X-Signature": btoa(String.fromCharCode(...bytes)) } };
      },
    ],
    [
      "a timestamp older than the window",
      async (raw) => ({
        raw,
        headers: await signedHeaders(signers.ES256!, raw, Date.now() - SIGNATURE_WINDOW_MS - 5_000),
      }),
    ],
    [
      "a timestamp further ahead than the window",
      async (raw) => ({
        raw,
        headers: await signedHeaders(signers.ES256!, raw, Date.now() + SIGNATURE_WINDOW_MS + 5_000),
      }),
    ],
    [
      "a timestamp that is not Unix milliseconds",
      async (raw) => {
        const headers = await signedHeaders(signers.ES256!, raw);
        return { raw, headers: { ...headers, "X-Timestamp": `${headers["X-Timestamp"]}.0` } };
      },
    ],
    [
      "an unknown key id",
      async (raw) => ({
        raw,
        headers: { ...(await signedHeaders(signers.ES256!, raw)), "X-Key-Id": "nobody" },
      }),
    ],
    [
      "a signature made by another registered key",
      async (raw) => ({
        raw,
        headers: { ...(await signedHeaders(signers.PS256!, raw)), "X-Key-Id": signers.RS256!.keyId },
      }),
    ],
    [
      "a signature that is not base64",
      async (raw) => ({
        raw,
        headers: { ...(await signedHeaders(signers.ES256!, raw)), "X-Signature": "***" },
      }),
    ],
  ];

  it.each(rejections)("refuses %s with the one 401 and writes nothing", async (_what, make) => {
    const body = tokenBody(signed, { note: "a" });
    const { raw, headers } = await make(JSON.stringify(body));
    const response = await postRaw(AUTH_TOKEN, raw, "application/json", { headers });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual(UNAUTHORIZED);
    expect(await stateOf(signed.appId, body.transactionId as string)).toBeUndefined();
  });

  it("accepts a timestamp inside the window (the stale twin)", async () => {
    const raw = JSON.stringify(tokenBody(signed));
    const headers = await signedHeaders(signers.ES256!, raw, Date.now() - SIGNATURE_WINDOW_MS + 30_000);
    expect((await postRaw(AUTH_TOKEN, raw, "application/json", { headers })).status).toBe(200);
  });

  it("checks the signature only after credentials: a wrong key with a valid signature is still 401", async () => {
    const raw = JSON.stringify(tokenBody(signed, { appKey: "wrong" }));
    const response = await postRaw(AUTH_TOKEN, raw, "application/json", {
      headers: await signedHeaders(signers.ES256!, raw),
    });
    expect(response.status).toBe(401);
  });

  it("stops requiring signatures once the last key is deleted", async () => {
    const lone = await provisionApp();
    const signer = await registerSigner(lone.appId, "ES256");
    expect((await postJson(AUTH_TOKEN, tokenBody(lone))).status).toBe(401);
    expect((await admin("DELETE", `/apps/${lone.appId}/request-keys/${signer.keyId}`)).status).toBe(204);
    expect((await postJson(AUTH_TOKEN, tokenBody(lone))).status).toBe(200);
  });
});
