// Startup laziness (issue 15), run by `npm run test:deploy` after the upload budget: imports the
// dry-run bundle (.wrangler/dry-run/index.js) on Node with esbuild's lazy-module initialiser
// instrumented, and checks that starting the Worker initialises no module that only /openapi.json
// and /docs need, and that GET /openapi.json then does. Node stands in for workerd: the module
// graph is the bundle's own; `cloudflare:workers` is replaced by a stub of the names it exports.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const OUTDIR = join(".wrangler", "dry-run");
const PROBE_DIR = join(".wrangler", "lazy-docs-probe");
/** Modules only the document or the page needs (src/openapi/routes.ts loads them with import()): the
 * families' openapi.ts, their builder src/shared/openapi.ts, and src/openapi/. */
const DOCS_ONLY = /^src\/(openapi\/(document|docs-page|security|service-operations)|[a-z]+\/openapi)\.ts$/;
// esbuild's helper for a module it initialises lazily; the probe records each module's first init.
const HELPER = "var __esm = (fn, res, err) => function __init() {";

const failures = [];
const fail = (message) => failures.push(message);

const source = readFileSync(join(OUTDIR, "index.js"), "utf8");
if (!source.includes(HELPER)) {
  fail("esbuild's lazy-module helper is not in the bundle: is the document still loaded with import()?");
} else {
  mkdirSync(PROBE_DIR, { recursive: true });
  const stub = resolve(PROBE_DIR, "cloudflare-workers.mjs");
  writeFileSync(
    stub,
    [
      "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
      "export class WorkerEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
      "export class WorkflowEntrypoint { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }",
      "export class RpcTarget {}",
      "export const env = {};",
      "export function waitUntil() {}",
    ].join("\n"),
  );
  const probe = source
    .replace(HELPER, `${HELPER}\n  if (fn) globalThis.__lazyDocsProbe.push(__getOwnPropNames(fn)[0]);`)
    .replace(/from ?"cloudflare:workers"/g, `from ${JSON.stringify(pathToFileURL(stub).href)}`);
  const entry = resolve(PROBE_DIR, "index.mjs");
  writeFileSync(entry, probe);

  const initialised = [];
  globalThis.__lazyDocsProbe = initialised;
  let worker;
  try {
    worker = (await import(pathToFileURL(entry).href)).default;
  } catch (error) {
    // A new `cloudflare:*` import or name, or a global Node lacks: extend the stub above.
    console.error(`FAIL  lazy docs: the bundle does not start on Node: ${error.message}`);
    process.exit(1);
  }
  const atStartup = initialised.filter((name) => DOCS_ONLY.test(name));
  if (!initialised.some((name) => name.startsWith("src/")))
    fail("the probe saw no module of src/ initialised: the instrumentation no longer matches the bundle");
  if (atStartup.length > 0)
    fail(`initialised at startup, needed only by /openapi.json or /docs: ${atStartup}`);

  const before = initialised.length;
  const env = { ISSUER: "https://authedge.example.com", TIMEZONE: "Asia/Kolkata", MAX_BODY_BYTES: "65536" };
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  const response = await worker.fetch(new Request("http://localhost/openapi.json"), env, ctx);
  const byDocument = initialised.slice(before).filter((name) => DOCS_ONLY.test(name));
  if (response.status !== 200) fail(`GET /openapi.json answered ${response.status}`);
  if (!byDocument.includes("src/openapi/document.ts"))
    fail(`GET /openapi.json did not initialise src/openapi/document.ts (initialised: ${byDocument})`);
  console.log(
    `lazy docs: ${before} modules initialised at startup, ${atStartup.length} of them docs-only; GET /openapi.json added ${byDocument.length} (${byDocument.join(", ")})`,
  );
}
for (const failure of failures) console.error(`FAIL  lazy docs: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
