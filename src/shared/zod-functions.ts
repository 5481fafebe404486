// The zod functions `loadZod()` loads: an `import()` keeps every export, and all of zod/mini was ~570 KiB
// that V8 parsed at startup; this module keeps only these three and what they need.
export { parse, safeParse, safeParseAsync } from "./zod";
