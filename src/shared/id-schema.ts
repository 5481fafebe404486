import { ID_PATTERN } from "./ids";
import * as z from "./zod";

/** The tenant id schema (docs/admin.md#ids); a module of its own so that only lazily loaded schema modules import zod. */

/**
 * Storage bound of an id, in UTF-8 bytes (docs/http.md#storage-key-bounds,
 * docs/admin.md#ids): every KV key and object name built from it fits.
 */
const MAX_ID_BYTES = 128;

/**
 * Ids the store cannot hold as asked (`__proto__` and the other names a plain object owns) or that a
 * URL path cannot carry back (`.` and `..` become path navigation): docs/admin.md#ids, a 2xx means stored.
 */
const UNADDRESSABLE_IDS: ReadonlySet<string> = new Set([".", "..", "__proto__", "constructor", "prototype"]);

export const idSchema = z.string().check(
  z.regex(ID_PATTERN, "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -"),
  z.refine((id) => new TextEncoder().encode(id).byteLength <= MAX_ID_BYTES, {
    message: `must be at most ${MAX_ID_BYTES} bytes in UTF-8`,
  }),
  z.refine((id) => !UNADDRESSABLE_IDS.has(id), {
    message: "must not be ., .., __proto__, constructor or prototype",
  }),
);
