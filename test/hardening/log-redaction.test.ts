import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenBody } from "../cpr/helpers";
import { oauthForm } from "../oauth/support";
import { provisionUser } from "../portal/support";
import { provisionApp } from "../support/tenants";
import { admin, call, json, postJson, uid } from "../support/worker";
import { bindDevice, processCall, provisionMerchant, rsaKeyPair, signedBody } from "../upi/support";
import { basicAuth, registerRequestSigner } from "./fixtures";
import { envSecrets, expectNoSecrets } from "./negative";

/**
 * docs/http.md#logs: log lines never carry an appKey, API key, password, token, signature, private key, or a
 * full email or mobile number. A full flow of every family, successes and refusals, runs with the
 * console captured; then every line is searched for every such value the flow handled.
 */

const CONSOLE_METHODS = ["log", "error", "warn", "info", "debug"] as const;

/** Captures every console line written while `flow` runs. */
async function captureLogs(flow: () => Promise<string[]>): Promise<{ lines: string[]; secrets: string[] }> {
  const lines: string[] = [];
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    });
  }
  const secrets = await flow();
  return { lines, secrets };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const EMAIL = `jane.private.${crypto.randomUUID().slice(0, 8)}@example.com`;
const MOBILE = "9876543210";
const PERSONAL = [EMAIL, EMAIL.toLowerCase(), EMAIL.split("@")[0]!, MOBILE, `91${MOBILE}`, "98765 43210"];

async function cprFlow(): Promise<string[]> {
  const app = await provisionApp();
  const signer = await registerRequestSigner((await provisionApp()).appId);
  const secrets = [app.appKey];
  const granted = await json(await postJson("/v2/auth/token", tokenBody(app, { email: EMAIL })));
  const token = granted.result.authToken.slice("Bearer ".length) as string;
  secrets.push(token);
  await postJson("/v2/auth/token", tokenBody(app, { mobileNumber: `+91 ${MOBILE}` }));
  await postJson("/v2/auth/token", tokenBody(app, { appKey: `${app.appKey}-wrong` }));
  await postJson("/v2/generate-auth-token", { ...tokenBody(app), authObject: { email: EMAIL } });
  await postJson(
    "/v2/generate-unique-id",
    { transactionId: uid("txn"), workflowId: app.workflowId, mobileNumber: MOBILE },
    { headers: { Authorization: `Bearer ${token}`, appid: app.appId, appkey: app.appKey } },
  );
  const signedHeaders = await signer.headers("{}");
  secrets.push(signedHeaders["X-Signature"]!);
  await call("/v2/auth/token", {
    method: "POST",
    headers: { ...signedHeaders, "Content-Type": "application/json" },
    body: "{}",
  });
  await oauthForm("introspect", { basic: [app.appId, app.appKey] }, { token });
  await oauthForm("revoke", { basic: [app.appId, `${app.appKey}x`] }, { token });
  const rotated = await json(await admin("POST", `/apps/${app.appId}/rotate-key`));
  secrets.push(rotated.appKey);
  return secrets;
}

async function portalFlow(): Promise<string[]> {
  const user = await provisionUser();
  const secrets = [user.password];
  const headers = { "X-User-Email": user.email.toUpperCase(), "X-User-Password": user.password };
  const success = await json(
    await call(`/api_auth?refresh_token=1&password=${encodeURIComponent(user.password)}`, {
      method: "POST",
      headers,
    }),
  );
  secrets.push(success.token);
  await call(`/api_auth?password=${encodeURIComponent(user.password)}`, {
    headers: { ...headers, "X-User-Password": `${user.password}-wrong` },
  });
  await call("/api_auth", { headers: { "X-User-Email": EMAIL, "X-User-Password": "guess-123" } });
  await call("/api_auth/session", { headers: { "X-Optimus-API-Key": success.token } });
  await call("/api_auth/session", { headers: { "X-Optimus-API-Key": `Bearer ${success.token}` } });
  await oauthForm("introspect", { portalToken: success.token }, { token: success.token });
  const newPassword = `New-${crypto.randomUUID()}`;
  secrets.push(newPassword);
  await admin("PATCH", `/users/${user.email}`, { password: newPassword });
  await admin("POST", `/orgs/${user.orgId}/users`, { email: EMAIL, password: newPassword });
  await oauthForm("revoke", null, { token: success.token });
  return [...secrets, user.email];
}

async function upiFlow(): Promise<string[]> {
  const apiKey = `imported-${crypto.randomUUID()}`;
  const merchant = await provisionMerchant({ apiKey });
  const pair = await rsaKeyPair();
  const secrets = [apiKey, pair.privateKeyPem, merchant.key.publicKeyPem.slice(30, 90)];
  const customerId = uid("c");
  const auth = { "x-merchantid": merchant.merchantId, ...basicAuth(apiKey, "") };
  const created = await json(
    await call("/customers", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        object_reference_id: customerId,
        mobile_number: MOBILE,
        email_address: EMAIL,
        "options.get_client_auth_token": "true",
      }).toString(),
    }),
  );
  const clientToken = created.juspay.client_auth_token as string;
  secrets.push(clientToken);
  await call(`/customers/${customerId}?options.get_client_auth_token=true`, { headers: auth });
  await call(`/customers/${customerId}`, { headers: { ...auth, ...basicAuth(`${apiKey}x`, "") } });
  await bindDevice(merchant.merchantId, customerId, {
    mobileNumber: MOBILE,
    deviceFingerPrint: "fp-secretish",
  });
  const body = await signedBody(merchant, { customerId, mobile: `+91${MOBILE}` });
  secrets.push(body.payload.signature, body.payload.signaturePayload);
  const answer = await json(await processCall(body));
  secrets.push(answer.payload.sessionToken);
  await processCall({ ...body, requestId: crypto.randomUUID() });
  await processCall({
    ...body,
    payload: { ...body.payload, signature: `${body.payload.signature.slice(0, -4)}AAAA` },
  });
  await processCall({
    requestId: crypto.randomUUID(),
    service: "in.juspay.hyperapi",
    payload: {
      action: "updateAuth",
      merchantId: merchant.merchantId,
      customerId,
      clientAuthToken: clientToken,
    },
  });
  await oauthForm(
    "introspect",
    { basic: [merchant.merchantId, apiKey] },
    { token: answer.payload.sessionToken },
  );
  await oauthForm("revoke", { basic: [merchant.merchantId, apiKey] }, { token: clientToken });
  return secrets;
}

async function adminAndOAuthFlow(): Promise<string[]> {
  const wrongAdmin = `wrong-${crypto.randomUUID()}`;
  await call("/admin/v1/apps", { headers: { Authorization: `Bearer ${wrongAdmin}` } });
  await oauthForm("introspect", { bearer: wrongAdmin }, { token: "x" });
  await call(`/admin/v1/users/${encodeURIComponent(EMAIL)}`, {
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
  });
  return [wrongAdmin];
}

describe("log redaction (docs/http.md#logs)", () => {
  it.each([
    ["CPR", cprFlow],
    ["portal", portalFlow],
    ["UPI", upiFlow],
    ["admin and OAuth", adminAndOAuthFlow],
  ])("%s: no line carries a secret, token, signature, key or full email/mobile", async (_family, flow) => {
    const { lines, secrets } = await captureLogs(flow);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      expectNoSecrets(line, [...secrets, ...PERSONAL], "log line");
      expect(line, "private key material").not.toMatch(/PRIVATE KEY|-----BEGIN/);
      for (const secret of envSecrets()) expect(line).not.toContain(secret);
    }
  });

  it("logs each request as one JSON object with its id, route and outcome", async () => {
    const { lines } = await captureLogs(async () => {
      await call("/api_auth?password=hunter2", { headers: { "X-Request-Id": "redaction-1" } });
      return [];
    });
    const requestLines = lines.filter((line) => line.includes("redaction-1"));
    expect(requestLines).toHaveLength(1);
    expect(JSON.parse(requestLines[0]!)).toMatchObject({
      requestId: "redaction-1",
      route: "/api_auth",
      outcome: "denied",
    });
    expect(requestLines[0]).not.toContain("hunter2");
  });
});
