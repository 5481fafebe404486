// `npm run -s sign -- --customer <id> [--mobile <n>] [--action updateAuth]`: prints a complete
// signature-mode request body for POST /hyperapi/process, signed with the demo merchant's private
// key the way Juspay's docs have a merchant's server sign (RSA-SHA256 over the exact JSON string).
import { createSign, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DEMO_MERCHANT_ID, DEMO_MERCHANT_KEY_ID, demoPrivateKey } from "./seed/upi.mjs";

const { values } = parseArgs({
  options: {
    customer: { type: "string" },
    mobile: { type: "string" },
    action: { type: "string", default: "upiGetSessionToken" },
    merchant: { type: "string", default: DEMO_MERCHANT_ID },
    "key-id": { type: "string", default: DEMO_MERCHANT_KEY_ID },
  },
});
if (!values.customer) {
  console.error(
    "usage: npm run -s sign -- --customer <customerId> [--mobile <number>] [--action updateAuth]",
  );
  process.exit(2);
}

const signaturePayload = JSON.stringify({
  merchant_id: values.merchant,
  customer_id: values.customer,
  timestamp: String(Date.now()),
  ...(values.mobile === undefined ? {} : { customer_mobile_number: values.mobile }),
});
const signature = createSign("RSA-SHA256").update(signaturePayload, "utf8").sign(demoPrivateKey(), "base64");

console.log(
  JSON.stringify({
    requestId: randomUUID(),
    service: "in.juspay.hyperapi",
    payload: {
      action: values.action,
      merchantKeyId: values["key-id"],
      signaturePayload,
      signature,
    },
  }),
);
