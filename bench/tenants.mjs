// Provisions the bench's own tenants through the admin API (docs/admin.md), as an operator would.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { expectCall, jsonBody } from "./http.mjs";

/** How many UPI customers the signed and client-auth-token requests are spread over. */
export const UPI_CUSTOMERS = 16;
/**
 * Portal logins are spread over this many users: password hashing is limited per email (an exact
 * counter, `LOGIN_ATTEMPTS_PER_EMAIL` in src/shared/rate-limit.ts), and one user could not carry a run.
 */
const PORTAL_USERS = 64;
/** The highest per-token use limit the merchant setting allows, so few tokens cover a run. */
const CLIENT_AUTH_TOKEN_MAX_USES = 1000;
/** The widest signature window a merchant may have: payloads signed before a run stay valid through it. */
const SIGNATURE_MAX_AGE_SECONDS = 3600;

function bankAccount(index) {
  return {
    bankCode: "508534",
    bankName: "Bench Bank",
    maskedAccountNumber: `XXXXXXXX${String(1000 + index)}`,
    mpinLength: "6",
    mpinSet: "true",
    referenceId: `bench-ref-${index}`,
    otpLength: "6",
    atmPinLength: "4",
    type: "SAVINGS",
    branchName: "Bench Branch",
    bankAccountUniqueId: `bench-account-${index}`,
    ifsc: "BNCH0000001",
    isPrimary: "true",
    name: `Bench Customer ${index}`,
  };
}

/** Basic auth with the merchant API key as username, plus `x-merchantid` (Juspay's Customer API). */
export function customerApiHeaders(merchantId, apiKey) {
  return {
    Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
    "x-merchantid": merchantId,
  };
}

async function provisionCpr(admin) {
  const workflowId = "bench-workflow";
  const app = await admin("POST", "/apps", 201, {
    appId: "bench-app",
    name: "Benchmark app",
    ipAllowlist: ["127.0.0.1", "::1"],
    workflows: [workflowId],
  });
  return { appId: app.appId, appKey: app.appKey, workflowId };
}

/**
 * An app that signs its requests (docs/cpr.md#request-signatures) with an ES256 key, for `cpr-token-signed`:
 * every request of it must carry a fresh signature, which its transaction's object accepts once.
 */
async function provisionSignedCpr(admin) {
  const workflowId = "bench-workflow";
  const keyId = "bench-es256";
  const app = await admin("POST", "/apps", 201, {
    appId: "bench-app-signed",
    name: "Benchmark app with request signing",
    ipAllowlist: ["127.0.0.1", "::1"],
    workflows: [workflowId],
  });
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  await admin("PUT", `/apps/${app.appId}/request-keys/${keyId}`, 201, {
    publicKey: publicKey.export({ type: "spki", format: "pem" }),
    alg: "ES256",
  });
  return { appId: app.appId, appKey: app.appKey, workflowId, keyId, privateKey };
}

async function provisionPortal(admin) {
  const org = await admin("POST", "/orgs", 201, { name: "Benchmark org" });
  const users = [];
  for (let index = 0; index < PORTAL_USERS; index++) {
    const user = {
      email: `bench-user-${index}@example.com`,
      password: randomBytes(18).toString("base64url"),
    };
    await admin("POST", `/orgs/${org.id}/users`, 201, user);
    users.push(user);
  }
  return { users };
}

/** A merchant with an RSA-2048 signing key and customers with a bound, activated device and a linked account. */
async function provisionUpi(base, admin) {
  const merchantId = "bench-merchant";
  const merchantKeyId = "bench-key";
  const merchant = await admin("POST", "/merchants", 201, {
    merchantId,
    signatureMaxAgeSeconds: SIGNATURE_MAX_AGE_SECONDS,
    clientAuthTokenMaxUses: CLIENT_AUTH_TOKEN_MAX_USES,
  });
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  await admin("PUT", `/merchants/${merchantId}/keys/${merchantKeyId}`, 201, {
    publicKey: publicKey.export({ type: "spki", format: "pem" }),
  });
  const customers = [];
  for (let index = 0; index < UPI_CUSTOMERS; index++) {
    const customerId = `bench-customer-${index}`;
    const mobileNumber = `98765${String(index).padStart(5, "0")}`;
    await expectCall(base, "POST", "/customers", 200, {
      ...jsonBody(
        { object_reference_id: customerId, mobile_number: mobileNumber, first_name: "Bench" },
        customerApiHeaders(merchantId, merchant.apiKey),
      ),
    });
    const path = `/merchants/${merchantId}/customers/${customerId}`;
    await admin("PUT", `${path}/device`, 200, {
      deviceFingerPrint: `bench-device-${index}`,
      mobileNumber,
      activated: true,
    });
    await admin("PUT", `${path}/vpa-accounts`, 200, [
      { vpa: `bench${index}@benchbank`, accounts: [bankAccount(index)] },
    ]);
    customers.push({ customerId, mobileNumber });
  }
  return {
    merchantId,
    apiKey: merchant.apiKey,
    merchantKeyId,
    privateKey,
    customers,
    clientAuthTokenMaxUses: merchant.clientAuthTokenMaxUses ?? CLIENT_AUTH_TOKEN_MAX_USES,
  };
}

/** Every tenant the routes need; the Worker's storage is fresh for each run. */
export async function provisionTenants(base, adminToken) {
  const authorization = { Authorization: `Bearer ${adminToken}` };
  const admin = (method, path, status, value) =>
    expectCall(base, method, `/admin/v1${path}`, status, jsonBody(value, authorization));
  return {
    base,
    adminToken,
    cpr: await provisionCpr(admin),
    signedCpr: await provisionSignedCpr(admin),
    portal: await provisionPortal(admin),
    upi: await provisionUpi(base, admin),
  };
}
