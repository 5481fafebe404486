import { isJsonMediaType } from "../shared/media-type";

/**
 * Body readers for the UPI routes. SPEC §2: a body is JSON only under an `application/json` content
 * type (any case, any parameters); otherwise it counts as missing and the "required" errors follow.
 */

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

type BodyRead = { ok: true; value: unknown } | { ok: false };

/** The JSON body, `undefined` when the content type is not JSON, or `ok: false` when it does not parse. */
export async function readJsonBody(request: Request): Promise<BodyRead> {
  if (!isJsonMediaType(request.headers.get("Content-Type"))) return { ok: true, value: undefined };
  const text = await request.text();
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * A flat field map from a form-encoded (as Juspay's Customer API takes it) or JSON body. Nested JSON
 * `{"options":{"get_client_auth_token":true}}` flattens to the form's `options.get_client_auth_token`.
 */
export async function readFields(
  request: Request,
): Promise<{ ok: true; value: Map<string, unknown> } | { ok: false }> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const fields = new Map<string, unknown>();
  if (FORM_TYPE.test(contentType)) {
    // Read as bytes: workerd warns when .text() meets a form content type.
    const text = new TextDecoder().decode(await request.arrayBuffer());
    for (const [name, value] of new URLSearchParams(text)) {
      if (!fields.has(name)) fields.set(name, value);
    }
    return { ok: true, value: fields };
  }
  const json = await readJsonBody(request);
  if (!json.ok) return json;
  if (typeof json.value !== "object" || json.value === null || Array.isArray(json.value)) {
    return { ok: true, value: fields };
  }
  for (const [name, value] of Object.entries(json.value)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) fields.set(`${name}.${inner}`, innerValue);
    } else {
      fields.set(name, value);
    }
  }
  return { ok: true, value: fields };
}
