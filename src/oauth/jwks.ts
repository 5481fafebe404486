import type { RouteHandler } from "../shared/route";
import { signingKeyRing } from "../shared/signing-key-ring";
import { JWKS_CACHE_CONTROL } from "../shared/signing-keys";
import type { publicDocumentContract } from "./contract";
import { PUBLIC_DOCUMENT_HEADERS } from "./metadata";
import type * as schemas from "./schema";

/** `GET /.well-known/jwks.json` (docs/tokens.md#jwks): the ring's precomputed body and ETag. */
export const serveJwks: RouteHandler<typeof schemas, (typeof publicDocumentContract)["getJwks"]> = async (
  c,
) => {
  const ring = await signingKeyRing(c.env);
  const headers = jwksHeadersOf(ring);
  // RFC 9110 §13.1.2: a verifier revalidating an unchanged set gets 304 without the body.
  if (matchesEtag(c.req.header("If-None-Match"), ring.jwksEtag)) {
    return new Response(null, { status: 304, headers: headers.notModified });
  }
  return new Response(ring.jwksBody, { status: 200, headers: headers.ok });
};

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  // RFC 9110 §13.1.2: a list of tags, compared weakly, or `*`.
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

type Ring = Awaited<ReturnType<typeof signingKeyRing>>;

// Built once per ring: a Response copies a `Headers` in one call, where `c.body` sets each header on every
// request (bench/README.md).
const ringHeaders = new WeakMap<Ring, { ok: Headers; notModified: Headers }>();

function jwksHeadersOf(ring: Ring): { ok: Headers; notModified: Headers } {
  let headers = ringHeaders.get(ring);
  if (!headers) {
    const common = { "Cache-Control": JWKS_CACHE_CONTROL, ETag: ring.jwksEtag, ...PUBLIC_DOCUMENT_HEADERS };
    headers = {
      ok: new Headers({ ...common, "Content-Type": "application/json" }),
      notModified: new Headers(common),
    };
    ringHeaders.set(ring, headers);
  }
  return headers;
}
