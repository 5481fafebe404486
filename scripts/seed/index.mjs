import { adminClient } from "./api.mjs";
import { seedCpr } from "./cpr.mjs";
import { demoSecrets } from "./demo-secrets.mjs";
import { seedPortal } from "./portal.mjs";
import { seedUpi } from "./upi.mjs";

/** Seeds one demo tenant per family and returns the lines to print. */
export async function seedDemo(base, adminToken) {
  const adminCall = adminClient(base, adminToken);
  const secrets = demoSecrets();
  return [
    `authedge is running on ${base}`,
    `  curl -s ${base}/healthz`,
    `  curl -s ${base}/.well-known/jwks.json`,
    `  curl -s ${base}/admin/v1/apps/demo-app -H 'Authorization: Bearer ${adminToken}'`,
    `  curl -s ${base}/admin/v1/signing-keys -H 'Authorization: Bearer ${adminToken}'`,
    "",
    ...(await seedCpr(adminCall, secrets, base)),
    "",
    ...(await seedPortal(adminCall, secrets, base)),
    "",
    ...(await seedUpi(adminCall, secrets, base)),
  ];
}
