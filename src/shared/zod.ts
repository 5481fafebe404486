// zod/mini for every schema module (docs/architecture.md#startup), with English messages: zod/mini sets no
// locale, and without one every default message reads "Invalid input"; the wire messages are English zod's.
// Only schema modules, reached through `import()`, import this, so zod loads with the first schema needed.
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());

export * from "zod/mini";
