import type { RouteHandler } from "../shared/route";
import { signingKeyRing } from "../shared/signing-key-ring";
import { JWKS_CACHE_CONTROL } from "../shared/signing-keys";
import type { publicDocumentContract } from "./contract";
import { PUBLIC_DOCUMENT_HEADERS } from "./metadata";
import type * as schemas from "./schema";

/**
 * `GET /.well-known/jwks.json`: the public half of every key in the signing key store (docs/tokens.md#jwks,
 * docs/operations.md#signing-keys), served as the ring's
 * precomputed body and ETag: nothing is rebuilt per request.
 */
export const serveJwks: RouteHandler<typeof schemas, (typeof publicDocumentContract)["getJwks"]> = async (
  c,
) => {
  const ring = await signingKeyRing(c.env);
  const headers = { "Cache-Control": JWKS_CACHE_CONTROL, ETag: ring.jwksEtag, ...PUBLIC_DOCUMENT_HEADERS };
  // RFC 9110 §13.1.2: a verifier revalidating an unchanged set gets 304 without the body.
  if (matchesEtag(c.req.header("If-None-Match"), ring.jwksEtag)) return c.body(null, 304, headers);
  return c.body(ring.jwksBody, 200, { ...headers, "Content-Type": "application/json" });
};

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  // RFC 9110 §13.1.2: a list of tags, compared weakly, or `*`.
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}
