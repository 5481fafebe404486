import { digestsEqual, sha256Hex } from "./crypto";
import { fromBase64 } from "./encoding";

// The one reader of client credentials, so every route accepts them the same way (docs/http.md#credentials).

// An unknown principal is compared against this, at a wrong secret's cost (docs/http.md#constant-time); no
// secret hashes to it in practice.
const UNKNOWN_PRINCIPAL_DIGEST = "0".repeat(64);

// RFC 9110 §11.4 `scheme 1*SP token68`, tolerating the tabs and spaces clients send; credentials are any
// visible characters (an ADMIN_TOKEN need not be token68): each scheme checks its own form.
const AUTHORIZATION = /^[ \t]*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)[ \t]+(\S+)[ \t]*$/;

/** The scheme (lowercased) and credentials of an `Authorization` header, if of that form. */
export function parseAuthorization(
  header: string | null | undefined,
): { scheme: string; credentials: string } | undefined {
  const match = AUTHORIZATION.exec(header ?? "");
  return match ? { scheme: match[1]!.toLowerCase(), credentials: match[2]! } : undefined;
}

/** The token of `Authorization: Bearer <token>` (any case of `Bearer`), or `undefined`. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const parsed = parseAuthorization(header);
  return parsed?.scheme === "bearer" ? parsed.credentials : undefined;
}

/** One reading of Basic credentials: the username (a client id or API key) and the password. */
export type BasicCredentials = { readonly username: string; readonly password: string };

/**
 * `Authorization: Basic` read form-decoded (RFC 6749 §2.3.1), then raw; both are the raw reading when it
 * does not decode. Callers always check both, never mixed, so the work does not depend on the form
 * (docs/http.md#credentials, docs/http.md#constant-time).
 */
export type BasicReadings = readonly [BasicCredentials, BasicCredentials];

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// The URL-safe alphabet too (shared/encoding): Authlib before 1.0 encoded Basic credentials with it.
function utf8OfBase64(text: string): string | undefined {
  const bytes = fromBase64(text);
  if (!bytes) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** application/x-www-form-urlencoded decoding, strict: `undefined` for `%zz`, `%` or non-UTF-8 bytes. */
function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return undefined;
  }
}

function split(userPass: string): BasicCredentials {
  // RFC 7617 §2: the first colon separates. Some Customer API clients send the API key alone: the
  // password is then empty, which never matches a stored secret.
  const colon = userPass.indexOf(":");
  if (colon === -1) return { username: userPass, password: "" };
  return { username: userPass.slice(0, colon), password: userPass.slice(colon + 1) };
}

/** Both readings of `Authorization: Basic`; `undefined` if absent, another scheme or not base64 of UTF-8. */
export function basicCredentials(header: string | null | undefined): BasicReadings | undefined {
  const parsed = parseAuthorization(header);
  if (parsed?.scheme !== "basic") return undefined;
  const decodedText = utf8OfBase64(parsed.credentials);
  const raw = decodedText === undefined ? undefined : split(decodedText);
  if (!raw) return undefined;
  const username = formDecode(raw.username);
  const password = formDecode(raw.password);
  const decoded = username === undefined || password === undefined ? raw : { username, password };
  return [decoded, raw];
}

/** The token of an `X-Optimus-API-Key` header, alone or after `Bearer ` (docs/portal.md#session-check). */
export function optimusApiKey(header: string | null | undefined): string | undefined {
  return /^[ \t]*(?:bearer[ \t]+)?(\S+)[ \t]*$/i.exec(header ?? "")?.[1];
}

/** A tenant's secret digests: the current one, and during a rotation's grace the previous one. */
interface RotatingSecret {
  readonly current: string | undefined;
  readonly previous?: string;
  /** ISO-8601 instant after which `previous` no longer authenticates (docs/admin.md#grace-rotation). */
  readonly previousExpiresAt?: string;
}

/**
 * `presented` is the current secret, or the previous one in its grace: one hash and two fixed-length
 * comparisons whatever the record holds (docs/http.md#constant-time).
 */
export async function rotatingSecretMatches(
  presented: string,
  secret: RotatingSecret,
  now: number,
): Promise<boolean> {
  const digest = await sha256Hex(presented);
  const current = digestsEqual(digest, secret.current ?? UNKNOWN_PRINCIPAL_DIGEST);
  const inGrace =
    secret.previous !== undefined &&
    secret.previousExpiresAt !== undefined &&
    Date.parse(secret.previousExpiresAt) > now;
  const previous = digestsEqual(digest, inGrace ? secret.previous! : UNKNOWN_PRINCIPAL_DIGEST);
  return secret.current !== undefined && (current || (inGrace && previous));
}
