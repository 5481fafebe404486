/**
 * The demo portal org and user (docs/operations.md#local-development):
 * admits local callers, password kept in .dev/demo.json.
 */
export async function seedPortal(adminCall, secrets, base) {
  const email = "demo@example.com";
  const password = secrets.get("portalPassword");
  const userPath = `/users/${encodeURIComponent(email)}`;
  // Replace an earlier demo copy (and its org) so the printed credentials always work.
  const earlier = await adminCall("GET", userPath);
  if (earlier.status === 200) {
    await adminCall("DELETE", userPath);
    await adminCall("DELETE", `/orgs/${earlier.body.organizationId}`);
  }
  const org = await adminCall("POST", "/orgs", {
    name: "Demo",
    uuid: "demo",
    description: "Demo organization",
    ipAllowlist: ["127.0.0.1", "::1"],
  });
  if (org.status !== 201) throw new Error(`POST /orgs answered ${org.status}: ${JSON.stringify(org.body)}`);
  const user = await adminCall("POST", `/orgs/${org.body.id}/users`, { email, password });
  if (user.status !== 201)
    throw new Error(`POST /orgs/${org.body.id}/users answered ${user.status}: ${JSON.stringify(user.body)}`);
  // Earlier mistyped attempts may have locked the demo email: start clean.
  await adminCall("POST", `${userPath}/unlock`);
  return [
    "Portal demo org and user",
    `  orgId=${org.body.id} email=${email} password=${password}`,
    `  curl -s -X POST ${base}/api_auth -H 'X-User-Email: ${email}' -H 'X-User-Password: ${password}'`,
    `  curl -s -X POST '${base}/api_auth?refresh_token=1' -H 'X-User-Email: ${email}' -H 'X-User-Password: ${password}'`,
    `  curl -s ${base}/api_auth/session -H 'X-Optimus-API-Key: <token from the login above>'`,
  ];
}
