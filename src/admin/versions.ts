import type { AppContext } from "../shared/env";
import { fail, ok, type Result } from "../shared/result";
import { adminFailure } from "./errors";
import type { Precondition } from "./tenant-changes";

// docs/admin.md#versions: every answer about a tenant carries its `ETag`, every change accepts `If-Match`
// (RFC 9110 §13.1.1, strong comparison).

// RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text.
const ENTITY_TAG = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/;

/** `If-Match` as a precondition; `undefined` when the header is malformed. */
function parseIfMatch(header: string | undefined): Precondition | undefined {
  if (header === undefined) return { kind: "none" };
  if (header.trim() === "*") return { kind: "any" };
  const tags: string[] = [];
  // A list may hold empty elements (RFC 9110 §5.6.1); a weak tag never matches strongly.
  let rest = header.replace(/^[\s,]+/, "");
  while (rest !== "") {
    const match = ENTITY_TAG.exec(rest);
    if (!match) return undefined;
    if (!match[1]) tags.push(match[2]!);
    rest = rest.slice(match[0].length).replace(/^[\s,]+/, "");
  }
  return tags.length === 0 && !/"/.test(header) ? undefined : { kind: "tags", tags };
}

/** The request's `If-Match`, or the 412 a malformed one gets (nothing is changed). */
export function ifMatchOf(c: AppContext): Result<Precondition, Response> {
  const precondition = parseIfMatch(c.req.header("If-Match"));
  return precondition ? ok(precondition) : fail(preconditionFailed(c));
}

export const STALE_VERSION =
  "If-Match does not name the tenant's current version; read it again (ETag) and retry";

/** 412: the tenant is not at the version the caller named (or the header is malformed). */
export function preconditionFailed(c: AppContext): Response {
  return adminFailure(c, { code: "precondition_failed", message: STALE_VERSION });
}

export const etagHeader = (etag: string): Record<string, string> => ({ ETag: etag });
