// A tiny admin-API client for the seed scripts and the benchmark.
export function adminClient(base, adminToken) {
  return async function adminCall(method, path, body) {
    const response = await fetch(`${base}/admin/v1${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  };
}

/** Creates a record, replacing an earlier demo copy so the printed credentials always work. */
export async function recreate(adminCall, path, id, body) {
  const created = await adminCall("POST", path, body);
  if (created.status === 409) {
    await adminCall("DELETE", `${path}/${encodeURIComponent(id)}`);
    return recreate(adminCall, path, id, body);
  }
  if (created.status !== 201)
    throw new Error(`POST ${path} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return created.body;
}
