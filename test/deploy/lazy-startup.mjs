// Startup laziness (issue 15), run by `npm run test:deploy` after the upload budget: imports the
// dry-run bundle (.wrangler/dry-run/index.js) on Node with esbuild's lazy-module initialiser
// instrumented, and checks that starting the Worker initialises no module that only /openapi.json
// and /docs need, and that GET /openapi.json then does; and that zod (with every schema) is not
// initialised at startup either, only by the first request that validates (docs/architecture.md#startup). Node stands in for workerd: the module
// graph is the bundle's own; `cloudflare:workers` is replaced by a stub of the names it exports.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const OUTDIR = join(".wrangler", "dry-run");
const PROBE_DIR = join(".wrangler", "lazy-startup-probe");
/** Modules only the document or the page needs (src/openapi/routes.ts loads them with import()): the
 * families' openapi.ts, their builder src/shared/openapi.ts, and src/openapi/. */
const DOCS_ONLY = /^src\/(openapi\/(document|docs-page|security|service-operations)|[a-z]+\/openapi)\.ts$/;
/** zod's own modules: reached only through the schema modules' `import()`. */
const ZOD = /^node_modules\/zod\//;
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
    console.error(`FAIL  lazy startup: the bundle does not start on Node: ${error.message}`);
    process.exit(1);
  }
  const atStartup = initialised.filter((name) => DOCS_ONLY.test(name));
  if (!initialised.some((name) => name.startsWith("src/")))
    fail("the probe saw no module of src/ initialised: the instrumentation no longer matches the bundle");
  if (atStartup.length > 0)
    fail(`initialised at startup, needed only by /openapi.json or /docs: ${atStartup}`);
  const firstZod = initialised.findIndex((name) => ZOD.test(name));
  if (firstZod !== -1) {
    // The modules initialised just before zod include the one that imports a schema module statically.
    const importers = initialised
      .slice(Math.max(0, firstZod - 6), firstZod)
      .filter((n) => n.startsWith("src/"));
    fail(`zod is initialised at startup; the modules just before it: ${importers.join(", ")}`);
  }

  const env = { ISSUER: "https://authedge.example.com", TIMEZONE: "Asia/Kolkata", MAX_BODY_BYTES: "65536" };
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  // A body the CPR schema refuses: the answer is its 400, so zod must have been loaded for it.
  const beforeToken = initialised.length;
  const refused = await worker.fetch(
    new Request("http://localhost/v2/auth/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }),
    env,
    ctx,
  );
  if (refused.status !== 400) fail(`POST /v2/auth/token with {} answered ${refused.status}, not 400`);
  if (!initialised.slice(beforeToken).some((name) => ZOD.test(name)))
    fail("the first validating request did not initialise zod: is zod still wrapped for lazy start?");
  const before = initialised.length;
  const response = await worker.fetch(new Request("http://localhost/openapi.json"), env, ctx);
  const byDocument = initialised.slice(before).filter((name) => DOCS_ONLY.test(name));
  if (response.status !== 200) fail(`GET /openapi.json answered ${response.status}`);
  if (!byDocument.includes("src/openapi/document.ts"))
    fail(`GET /openapi.json did not initialise src/openapi/document.ts (initialised: ${byDocument})`);
  console.log(
    `lazy startup: ${beforeToken} modules initialised at startup, ${atStartup.length} of them docs-only; GET /openapi.json added ${byDocument.length} (${byDocument.join(", ")})`,
  );
}
for (const failure of failures) console.error(`FAIL  lazy startup: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
