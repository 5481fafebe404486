/**
 * The zod functions the Worker calls on a schema (src/shared/validate.ts `loadZod()`). A module loaded
 * with `import()` keeps every export in the bundle, so `import("zod/mini")` kept all of zod/mini (its
 * JSON Schema generator, every locale: ~740 KiB that V8 parses at startup); importing this module
 * keeps only these three and what they need (issue 15).
 */
export { parse, safeParse, safeParseAsync } from "zod/mini";
