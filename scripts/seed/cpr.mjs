import { recreate } from "./api.mjs";

/** The demo CPR app: admits local callers, one workflow. */
export async function seedCpr(adminCall, secrets, base) {
  const appId = "demo-app";
  const workflowId = "demo-workflow";
  const appKey = secrets.get("cprAppKey");
  await recreate(adminCall, "/apps", appId, {
    appId,
    name: "Demo CPR app",
    appKey,
    ipAllowlist: ["127.0.0.1", "::1"],
    workflows: [workflowId],
  });
  return [
    "CPR demo app",
    `  appId=${appId} appKey=${appKey} workflowId=${workflowId}`,
    `  curl -s ${base}/v2/auth/token -H 'Content-Type: application/json' \\`,
    `    -d '{"appId":"${appId}","appKey":"${appKey}","transactionId":"txn-1","workflowId":"${workflowId}","email":"jane@example.com"}'`,
    `  curl -s ${base}/v2/generate-unique-id -H 'Content-Type: application/json' -H 'appid: ${appId}' -H 'appkey: ${appKey}' \\`,
    `    -d '{"transactionId":"txn-1","workflowId":"${workflowId}","email":"Jane@Example.com"}'`,
  ];
}
