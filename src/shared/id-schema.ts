import { ID_PATTERN } from "./ids";
import * as z from "./zod";

// The tenant id schema (docs/admin.md#ids, docs/http.md#storage-key-bounds); only schema modules load zod.
const MAX_ID_BYTES = 128;

// Names a plain object owns, and names a URL path cannot carry back (docs/admin.md#ids: a 2xx means stored).
const UNADDRESSABLE_IDS: ReadonlySet<string> = new Set([".", "..", "__proto__", "constructor", "prototype"]);

export const idSchema = z.string().check(
  z.regex(ID_PATTERN, "must be 1-128 characters of A-Z a-z 0-9 . _ : @ -"),
  z.refine((id) => new TextEncoder().encode(id).byteLength <= MAX_ID_BYTES, {
    message: `must be at most ${MAX_ID_BYTES} bytes in UTF-8`,
  }),
  z.refine((id) => !UNADDRESSABLE_IDS.has(id), "must not be ., .., __proto__, constructor or prototype"),
);
