// The Worker's vars (docs/operations.md#configuration), checked at the start of every request, before any
// state is read or written (docs/http.md#checked-vars).

export interface Vars {
  /** The base of every JWT `iss` and of the metadata documents (docs/tokens.md#metadata). */
  readonly issuer: string;
  /** IANA zone for human-readable timestamps (portal `expires_at`, organization times). */
  readonly timeZone: string;
  /** Request bodies over this many bytes are 413 (docs/http.md#body-cap). */
  readonly maxBodyBytes: number;
}

const DEFAULT_TIME_ZONE = "Asia/Kolkata";
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/** Workers accept request bodies up to 100 MB; a larger cap could never be reached. */
const MAX_MAX_BODY_BYTES = 100 * 1000 * 1000;

/** A var that is missing or wrong; the request that meets it answers the family's 500. */
export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

type RawVars = Partial<Record<"ISSUER" | "TIMEZONE" | "MAX_BODY_BYTES", unknown>>;

function checkIssuer(value: unknown): string {
  if (typeof value !== "string" || value === "") throw new ConfigurationError("ISSUER is not set");
  const url = URL.parse(value);
  if (!url) throw new ConfigurationError("ISSUER is not a URL");
  // RFC 8414 §2: an https URL without query or fragment (http only for a local instance).
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new ConfigurationError("ISSUER must be an https URL");
  }
  if (url.search !== "" || url.hash !== "" || value.includes("?") || value.includes("#")) {
    throw new ConfigurationError("ISSUER must have no query or fragment");
  }
  // docs/http.md#checked-vars: the JWKS and metadata are served at the root (RFC 8414 §3.1), so a path would
  // name URLs no route serves. A trailing slash is no path (shared/issuers drops it).
  if (url.pathname !== "/") throw new ConfigurationError("ISSUER must be an origin, with no path");
  // `iss` and the metadata URLs use the text as written: it must be the origin's canonical spelling.
  if (value.replace(/\/$/, "") !== url.origin) {
    throw new ConfigurationError(`ISSUER must be written as its origin, ${url.origin}`);
  }
  return value;
}

function checkTimeZone(value: unknown): string {
  if (value === undefined || value === "") return DEFAULT_TIME_ZONE;
  if (typeof value !== "string") throw new ConfigurationError("TIMEZONE is not a string");
  try {
    // Throws a RangeError for a zone the runtime does not know.
    new Intl.DateTimeFormat("en-US", { timeZone: value });
  } catch {
    throw new ConfigurationError("TIMEZONE is not a known IANA time zone");
  }
  return value;
}

function checkMaxBodyBytes(value: unknown): number {
  if (value === undefined || value === "") return DEFAULT_MAX_BODY_BYTES;
  const text = String(value);
  const bytes = /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(bytes <= MAX_MAX_BODY_BYTES)) {
    throw new ConfigurationError(`MAX_BODY_BYTES must be a whole number from 1 to ${MAX_MAX_BODY_BYTES}`);
  }
  return bytes;
}

/** Checks the vars; throws `ConfigurationError` naming the first one that is wrong. */
export function parseVars(raw: RawVars): Vars {
  return {
    issuer: checkIssuer(raw.ISSUER),
    timeZone: checkTimeZone(raw.TIMEZONE),
    maxBodyBytes: checkMaxBodyBytes(raw.MAX_BODY_BYTES),
  };
}

let cached: { readonly key: string; readonly vars: Vars } | undefined;

/** The checked vars of `env`, parsed again only when the values differ (tests swap the env). */
export function varsOf(env: RawVars): Vars {
  const key = JSON.stringify([env.ISSUER, env.TIMEZONE, env.MAX_BODY_BYTES]);
  if (cached?.key !== key) cached = { key, vars: parseVars(env) };
  return cached.vars;
}
