/**
 * zod for every schema module: zod/mini (docs/architecture.md#startup), with English messages. zod/mini
 * sets no locale (classic zod sets English when it builds its first schema), and without one every default
 * message reads "Invalid input"; the wire messages are English zod's. Only schema modules import this
 * module, and they are reached through `import()`, so zod loads with the first schema a request needs.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

export * from "zod/mini";
