// The deprecated CPR routes' headers, set by the contract's `deprecated` flag and shown in the OpenAPI
// document (docs/cpr.md#deprecated-unique-id-route).

export const SUCCESSOR_LINK = '</v2/auth/token>; rel="successor-version"';
// RFC 9745 `Deprecation` (a date as `@<unix seconds>`: 2026-01-01) and RFC 8594 `Sunset`.
export const DEPRECATED_SINCE = "@1767225600";
export const UNIQUE_ID_SUNSET = "Thu, 01 Jul 2027 00:00:00 GMT";
