// The static /openapi.json and /docs (issue 15), run by `npm run test:deploy` after scripts/assets.mjs:
// the files in assets/ are what src/openapi/ builds now (not a stale build), assets/_headers gives
// each the headers the Worker used to send, and the page's CSP admits exactly its inline script: the
// hash is computed here with node:crypto from the generated page, not taken from the page module.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import {
  DOCS_PAGE_ASSET,
  HEADERS_FILE,
  headersRules,
  loadOpenApiModules,
  OPENAPI_ASSET,
} from "../../scripts/assets.mjs";

const failures = [];
const fail = (message) => failures.push(message);

const { buildOpenApiDocument, DOCS_HTML, docsContentSecurityPolicy } = await loadOpenApiModules();

const served = JSON.parse(readFileSync(OPENAPI_ASSET, "utf8"));
const built = JSON.parse(JSON.stringify(buildOpenApiDocument()));
if (!isDeepStrictEqual(served, built)) fail("assets/openapi.json is not the document src/openapi/ builds");
if (!/^3\.1\./.test(served.openapi)) fail(`assets/openapi.json is OpenAPI ${served.openapi}, not 3.1`);
if (Object.keys(served.paths ?? {}).length < 40) fail("assets/openapi.json documents fewer than 40 paths");

const page = readFileSync(DOCS_PAGE_ASSET, "utf8");
if (page !== DOCS_HTML) fail("assets/docs.html is not the page src/openapi/docs-page.ts builds");
const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
if (inline.length !== 1) fail(`assets/docs.html has ${inline.length} inline scripts, not 1`);
const hash = createHash("sha256")
  .update(inline[0] ?? "")
  .digest("base64");

// The policy's directives are pinned by test/openapi/docs.test.ts; here, that its script hash is the page's.
const policy = await docsContentSecurityPolicy();
if (!policy.split("; ").includes(`script-src 'self' 'sha256-${hash}'`))
  fail(`the page's CSP does not admit its inline script by hash (sha256-${hash}): ${policy}`);

const expected = new Map([
  [
    "/docs",
    {
      "content-security-policy": policy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": "public, max-age=300",
      allow: "GET, HEAD",
    },
  ],
  [
    "/openapi.json",
    {
      "content-type": "application/json",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
      allow: "GET, HEAD",
    },
  ],
  [
    "/docs/*",
    { "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" },
  ],
]);
const rules = headersRules(readFileSync(HEADERS_FILE, "utf8"));
for (const [pattern, headers] of expected) {
  const actual = Object.fromEntries(rules.get(pattern) ?? []);
  if (!isDeepStrictEqual(actual, headers))
    fail(`assets/_headers ${pattern}: ${JSON.stringify(actual)}, expected ${JSON.stringify(headers)}`);
}
const extra = [...rules.keys()].filter((pattern) => !expected.has(pattern));
if (extra.length > 0) fail(`assets/_headers has rules for other paths: ${extra.join(", ")}`);

// Generated, so never committed (a committed copy could go stale).
const ignored = execFileSync("git", ["check-ignore", OPENAPI_ASSET, DOCS_PAGE_ASSET], { encoding: "utf8" });
if (ignored.trim().split("\n").length !== 2) fail(`git does not ignore both generated files: ${ignored}`);

for (const failure of failures) console.error(`FAIL  static assets: ${failure}`);
if (failures.length === 0)
  console.log(
    `static assets: openapi.json (${Object.keys(served.paths).length} paths) and docs.html are current; _headers carries the page's CSP (sha256-${hash})`,
  );
process.exit(failures.length === 0 ? 0 : 1);
