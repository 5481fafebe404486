/**
 * The zod functions the Worker calls on a schema (`loadZod()` in src/shared/validate.ts). A module loaded
 * with `import()` keeps every export in the bundle, so `import("zod/mini")` kept all of zod/mini (its
 * JSON Schema generator, every locale: ~570 KiB that V8 parses at startup); this module keeps only these
 * three and what they need. They come through src/shared/zod.ts, which sets zod's English messages.
 */
export { parse, safeParse, safeParseAsync } from "./zod";
