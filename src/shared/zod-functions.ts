import { config } from "zod/mini";
import { en } from "zod/v4/locales";

/**
 * The zod functions the Worker calls on a schema (src/shared/validate.ts `loadZod()`). A module loaded
 * with `import()` keeps every export in the bundle, so `import("zod/mini")` kept all of zod/mini (its
 * JSON Schema generator, every locale: ~570 KiB that V8 parses at startup); importing this module
 * keeps only these three and what they need (issue 15).
 */
export { parse, safeParse, safeParseAsync } from "zod/mini";

// zod/mini sets no locale (classic zod sets English when it builds its first schema); without one every
// default message reads "Invalid input", and the wire messages are English zod's. Set once, on first load.
config(en());
