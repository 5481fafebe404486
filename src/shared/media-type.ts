const JSON_MEDIA_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/**
 * True when a `Content-Type` names `application/json`, in any case, with any parameters. The one
 * JSON media type of every family (docs/http.md#media-type): `application/*+json` and the rest count as no
 * JSON, so the body reads as missing and the family's "required" error follows.
 */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return JSON_MEDIA_TYPE.test((contentType ?? "").trimStart());
}
