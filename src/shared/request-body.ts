import { isJsonMediaType } from "./media-type";
import { fail, ok, type Result } from "./result";

// The one reader of bodies routes parse themselves; other types read as missing (docs/http.md#media-type).
type RequestBody =
  | { readonly kind: "json"; readonly text: string; readonly value: unknown }
  | { readonly kind: "form"; readonly fields: URLSearchParams }
  | { readonly kind: "none" };

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded[ \t]*(?:;|$)/i;
const NO_BODY: RequestBody = { kind: "none" };

/** The request's body as JSON, a form or none; `malformed_json` when a JSON body does not parse. */
export async function readBody(request: Request): Promise<Result<RequestBody, "malformed_json">> {
  const contentType = request.headers.get("Content-Type") ?? "";
  if (FORM_MEDIA_TYPE.test(contentType.trimStart())) {
    // Read as bytes: workerd warns when .text() meets a form content type.
    const text = new TextDecoder().decode(await request.arrayBuffer());
    return ok({ kind: "form", fields: new URLSearchParams(text) });
  }
  if (!isJsonMediaType(contentType)) return ok(NO_BODY);
  const text = await request.text();
  try {
    return ok({ kind: "json", text, value: JSON.parse(text) });
  } catch {
    return fail("malformed_json");
  }
}
