// Prepares the Workers Static Assets directory (wrangler.toml [assets], issue 15): Swagger UI's two
// prebuilt files, copied from node_modules/swagger-ui-dist into assets/docs/ (git-ignored), so that
// the installed package is the only copy and an upgrade cannot leave a stale one in the repo.
// Run by `npm run dev`, `test:deploy`, `deploy`, `test` and the bench; cheap and idempotent.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** Where `/docs/<file>` is served from: the `[assets]` directory of wrangler.toml, plus `docs/`. */
export const DOCS_ASSET_DIR = join(ROOT, "assets", "docs");

/** The files the page links (src/openapi/docs-page.ts), each with the edit made on the way. */
const FILES = {
  "swagger-ui-bundle.js": (text) => text,
  // The map it names is not shipped; without the comment a browser's devtools would ask for it.
  "swagger-ui.css": (text) => text.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ""),
};

/** Writes the files whose content differs (so `wrangler dev` does not reload for nothing). */
export function prepareDocsAssets() {
  const packageDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  mkdirSync(DOCS_ASSET_DIR, { recursive: true });
  const written = [];
  for (const [name, edit] of Object.entries(FILES)) {
    const text = edit(readFileSync(join(packageDir, name), "utf8"));
    const target = join(DOCS_ASSET_DIR, name);
    let current;
    try {
      current = readFileSync(target, "utf8");
    } catch {
      current = undefined;
    }
    if (current !== text) {
      writeFileSync(target, text);
      written.push(name);
    }
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = prepareDocsAssets();
  if (written.length > 0) console.log(`authedge: wrote ${written.join(", ")} to assets/docs/`);
}
