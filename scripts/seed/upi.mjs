// The demo UPI merchant (docs/operations.md#local-development): an RSA-2048 key pair whose private half stays
// in a git-ignored file for `npm run sign`, a customer with
// a bound device and linked accounts, and the Customer API.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { recreate } from "./api.mjs";

export const DEMO_MERCHANT_ID = "demo-merchant";
export const DEMO_MERCHANT_KEY_ID = "demo-key-1";
export const DEMO_CUSTOMER_ID = "demo-customer";
export const DEMO_PRIVATE_KEY_FILE = ".dev/upi-demo-private.pem";

/** The demo merchant's private key, made once (PKCS#8 PEM, mode 0600). */
export function demoPrivateKey() {
  if (!existsSync(DEMO_PRIVATE_KEY_FILE)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    mkdirSync(".dev", { recursive: true });
    writeFileSync(DEMO_PRIVATE_KEY_FILE, privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
  }
  return createPrivateKey(readFileSync(DEMO_PRIVATE_KEY_FILE, "utf8"));
}

const DEMO_ACCOUNT = {
  bankCode: "500001",
  bankName: "Demo Bank",
  maskedAccountNumber: "XXXXXXXX4321",
  mpinLength: "6",
  mpinSet: "true",
  referenceId: "demo-ref-1",
  otpLength: "6",
  atmPinLength: "4",
  type: "SAVINGS",
  branchName: "Demo Branch",
  bankAccountUniqueId: "demo-account-1",
  ifsc: "DEMO0000001",
  isPrimary: "true",
  name: "Demo Customer",
};

async function expectStatus(promise, statuses, what) {
  const response = await promise;
  if (!statuses.includes(response.status))
    throw new Error(`${what} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

export async function seedUpi(adminCall, secrets, base) {
  const apiKey = secrets.get("upiMerchantApiKey");
  const merchantPath = `/merchants/${DEMO_MERCHANT_ID}`;
  await recreate(adminCall, "/merchants", DEMO_MERCHANT_ID, {
    merchantId: DEMO_MERCHANT_ID,
    apiKey,
    prefix: "DEMO",
    ipAllowlist: ["127.0.0.1", "::1"],
  });
  const publicKey = createPublicKey(demoPrivateKey()).export({ type: "spki", format: "pem" });
  await expectStatus(
    adminCall("PUT", `${merchantPath}/keys/${DEMO_MERCHANT_KEY_ID}`, { publicKey }),
    [200, 201],
    "PUT merchant key",
  );
  const customerPath = `${merchantPath}/customers/${DEMO_CUSTOMER_ID}`;
  await expectStatus(
    adminCall("PUT", `${customerPath}/device`, {
      deviceFingerPrint: "demo-device-fingerprint",
      mobileNumber: "919876543210",
      activated: true,
    }),
    [200],
    "PUT customer device",
  );
  await expectStatus(
    adminCall("PUT", `${customerPath}/vpa-accounts`, [{ vpa: "demo@upi", accounts: [DEMO_ACCOUNT] }]),
    [200],
    "PUT customer vpa-accounts",
  );
  // The Customer API record (kept across restarts with the Durable Object state: 409 is fine).
  const created = await fetch(`${base}/customers`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
      "x-merchantid": DEMO_MERCHANT_ID,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ object_reference_id: DEMO_CUSTOMER_ID, mobile_number: "9876543210" }),
  });
  if (created.status !== 200 && created.status !== 409)
    throw new Error(`POST /customers answered ${created.status}: ${await created.text()}`);
  return [
    "UPI demo merchant",
    `  merchantId=${DEMO_MERCHANT_ID} apiKey=${apiKey} merchantKeyId=${DEMO_MERCHANT_KEY_ID} customer=${DEMO_CUSTOMER_ID}`,
    `  private key: ${DEMO_PRIVATE_KEY_FILE} (git-ignored)`,
    `  npm run -s sign -- --customer ${DEMO_CUSTOMER_ID} --mobile 919876543210 | curl -s ${base}/hyperapi/process -H 'Content-Type: application/json' -d @-`,
    `  curl -s -u '${apiKey}:' -H 'x-merchantid: ${DEMO_MERCHANT_ID}' '${base}/customers/${DEMO_CUSTOMER_ID}?options.get_client_auth_token=true'`,
  ];
}
