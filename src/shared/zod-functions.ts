// The zod functions `loadZod()` loads: an `import()` keeps every export, and all of zod/mini was ~570 KiB
// that V8 parsed at startup.
export { parse, safeParse, safeParseAsync } from "./zod";
