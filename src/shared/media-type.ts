const JSON_MEDIA_TYPE = /^application\/json[ \t]*(?:;|$)/i;

/** `application/json` in any case, with any parameters: the one JSON media type (docs/http.md#media-type). */
export function isJsonMediaType(contentType: string | null | undefined): boolean {
  return JSON_MEDIA_TYPE.test((contentType ?? "").trimStart());
}
