import { readBody } from "../shared/request-body";
import { fail, ok, type Result } from "../shared/result";

/**
 * A flat field map from a form-encoded (as Juspay's Customer API takes it) or JSON body. Nested JSON
 * `{"options":{"get_client_auth_token":true}}` flattens to the form's `options.get_client_auth_token`.
 */
export async function readFields(request: Request): Promise<Result<Map<string, unknown>, "malformed_json">> {
  const body = await readBody(request);
  if (!body.ok) return fail(body.reason);
  const fields = new Map<string, unknown>();
  if (body.value.kind === "form") {
    for (const [name, value] of body.value.fields) {
      if (!fields.has(name)) fields.set(name, value);
    }
    return ok(fields);
  }
  const json = body.value.kind === "json" ? body.value.value : undefined;
  if (typeof json !== "object" || json === null || Array.isArray(json)) return ok(fields);
  for (const [name, value] of Object.entries(json)) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) fields.set(`${name}.${inner}`, innerValue);
    } else {
      fields.set(name, value);
    }
  }
  return ok(fields);
}
