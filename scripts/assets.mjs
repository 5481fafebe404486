// Prepares the Workers Static Assets directory (wrangler.toml [assets], issue 15). Everything under
// /docs and /openapi.json is a static file served by the asset router, never by the Worker, so no
// OpenAPI module is in the Worker's bundle (none of it is parsed at startup):
// - assets/docs/: Swagger UI's two prebuilt files, copied from node_modules/swagger-ui-dist, so that
//   the installed package is the only copy and an upgrade cannot leave a stale one in the repo;
// - assets/openapi.json: the OpenAPI document, built here from src/openapi/document.ts (it depends on
//   no env and changes only with a deploy);
// - assets/docs.html: the page, src/openapi/docs-page.ts's HTML (`html_handling` "auto-trailing-slash",
//   the default, serves it at exactly /docs).
// All three are generated and git-ignored. assets/_headers is committed: it sets the headers of each,
// and for the page its Content-Security-Policy, which admits the inline initialiser by hash; this
// script refuses to run when that policy is not the one the page module computes.
// Run by `npm run dev`, `test:deploy`, `test:browser`, `deploy`, `test` and the bench; cheap and idempotent.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** The `[assets]` directory of wrangler.toml. */
export const ASSET_DIR = join(ROOT, "assets");
/** Where `/docs/<file>` is served from. */
export const DOCS_ASSET_DIR = join(ASSET_DIR, "docs");
/** `/openapi.json`. */
export const OPENAPI_ASSET = join(ASSET_DIR, "openapi.json");
/** `/docs` (the asset router serves `docs.html` for `/docs`, and redirects `/docs.html` and `/docs/` there). */
export const DOCS_PAGE_ASSET = join(ASSET_DIR, "docs.html");
/** The committed headers file of the asset router. */
export const HEADERS_FILE = join(ASSET_DIR, "_headers");

/** The files the page links (src/openapi/docs-page.ts), each with the edit made on the way. */
const FILES = {
  "swagger-ui-bundle.js": (text) => text,
  // The map it names is not shipped; without the comment a browser's devtools would ask for it.
  "swagger-ui.css": (text) => text.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ""),
};

/** Writes `text` to `target` unless it already holds it (so `wrangler dev` does not reload for nothing). */
function writeIfChanged(target, text) {
  let current;
  try {
    current = readFileSync(target, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileSync(target, text);
  return true;
}

/** Copies Swagger UI's files into assets/docs/; returns the names written. */
export function prepareDocsAssets() {
  const packageDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  mkdirSync(DOCS_ASSET_DIR, { recursive: true });
  const written = [];
  for (const [name, edit] of Object.entries(FILES)) {
    const text = edit(readFileSync(join(packageDir, name), "utf8"));
    if (writeIfChanged(join(DOCS_ASSET_DIR, name), text)) written.push(`docs/${name}`);
  }
  return written;
}

/**
 * src/openapi/document.ts and src/openapi/docs-page.ts, bundled for Node by esbuild (the bundler
 * wrangler itself uses) and imported: `{ buildOpenApiDocument, DOCS_HTML, docsContentSecurityPolicy }`.
 * The bundle is self-contained (zod, swagger-ui-dist's version), so it is imported from a data URL.
 */
export async function loadOpenApiModules() {
  const { build } = await import("esbuild");
  const result = await build({
    stdin: {
      contents: [
        'export { buildOpenApiDocument } from "./src/openapi/document.ts";',
        'export { DOCS_HTML, docsContentSecurityPolicy } from "./src/openapi/docs-page.ts";',
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "openapi-assets.ts",
      loader: "ts",
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    logLevel: "error",
  });
  const code = result.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

/** The `Content-Security-Policy` value of the `/docs` rule in assets/_headers, if there is one. */
export function docsPolicyInHeaders(headers = readFileSync(HEADERS_FILE, "utf8")) {
  const rules = headersRules(headers);
  return rules.get("/docs")?.get("content-security-policy");
}

/** assets/_headers as a map of URL pattern → (lower-case header name → value). */
export function headersRules(text) {
  const rules = new Map();
  let current;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      current = new Map();
      rules.set(line.trim(), current);
    } else if (current) {
      const colon = line.indexOf(":");
      current.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return rules;
}

/** Fills the whole asset directory; returns the names written. Throws when assets/_headers is stale. */
export async function prepareAssets() {
  const written = prepareDocsAssets();
  const { buildOpenApiDocument, DOCS_HTML, docsContentSecurityPolicy } = await loadOpenApiModules();
  const policy = await docsContentSecurityPolicy();
  if (docsPolicyInHeaders() !== policy) {
    throw new Error(
      `assets/_headers: the /docs rule must carry the page's policy (src/openapi/docs-page.ts):\n  Content-Security-Policy: ${policy}`,
    );
  }
  // The same JSON the Worker's `c.json()` used to send.
  if (writeIfChanged(OPENAPI_ASSET, JSON.stringify(buildOpenApiDocument()))) written.push("openapi.json");
  if (writeIfChanged(DOCS_PAGE_ASSET, DOCS_HTML)) written.push("docs.html");
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const written = await prepareAssets();
    if (written.length > 0) console.log(`authedge: wrote ${written.join(", ")} to assets/`);
  } catch (error) {
    console.error(`authedge: ${error.message}`);
    process.exit(1);
  }
}
