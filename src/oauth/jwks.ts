import { Hono } from "hono";
import type { AppEnv } from "../env";
import { loadKeyRing } from "../shared/signing-keys";
import { PUBLIC_DOCUMENT_HEADERS } from "./metadata";

// Short enough that a newly added key is seen well before it signs (rotation drill, README),
// long enough that verifiers do not fetch on every token.
const JWKS_CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=60";

/** `GET /.well-known/jwks.json`: the public half of every key in `SIGNING_KEYS` (SPEC §6). */
export const jwksRoutes = new Hono<AppEnv>().get("/.well-known/jwks.json", async (c) => {
  const ring = await loadKeyRing(c.env.SIGNING_KEYS);
  return c.json(ring.jwks, 200, { "Cache-Control": JWKS_CACHE_CONTROL, ...PUBLIC_DOCUMENT_HEADERS });
});
