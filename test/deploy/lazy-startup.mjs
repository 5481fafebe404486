// Startup (issue 15), run by `npm run test:deploy` after the upload budget, on the dry-run bundle
// (.wrangler/dry-run/index.js):
// - V8 parses all of the bundle at startup, run or not: it holds no OpenAPI module (src/openapi/,
//   src/<unit>/openapi.ts, src/<unit>/*-openapi.ts; /openapi.json and /docs are static assets built by
//   scripts/assets.mjs) and none of zod's JSON Schema generator (only the document used it);
// - imported on Node with esbuild's lazy-module initialiser instrumented, starting the Worker
//   initialises no zod module (nor any schema); the first request that validates does
//   (docs/architecture.md#startup). Node stands in for workerd: the module graph is the bundle's own;
//   `cloudflare:workers` is replaced by a stub of the names it exports.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const OUTDIR = join(".wrangler", "dry-run");
const PROBE_DIR = join(".wrangler", "lazy-startup-probe");
/** esbuild's comment before each bundled module: its path from the project (node_modules may be a link). */
const MODULE_MARKER = /^\s*\/\/ ((?:\.\.\/)*\S+\.(?:ts|m?js))$/gm;
/** The OpenAPI modules: src/openapi/, each unit's openapi.ts (src/shared/openapi.ts the builder) and *-openapi.ts. */
const OPENAPI_MODULE = /^src\/(openapi\/.+|[a-z-]+\/openapi\.ts|[a-z-]+\/[a-z-]+-openapi\.ts)$/;
/** zod's own modules: reached only through the schema modules' `import()`. */
const ZOD = /(^|\/)node_modules\/zod\//;
/** zod's JSON Schema generator: its modules with a body, or its name anywhere (a schema's method). */
const JSON_SCHEMA_MODULE = /(^|\/)node_modules\/zod\/v4\/core\/json-schema-(processors|generator)\.js$/;
const JSON_SCHEMA_NAME = /\btoJSONSchema\b/;
// esbuild's helper for a module it initialises lazily; the probe records each module's first init.
const HELPER = "var __esm = (fn, res, err) => function __init() {";

const failures = [];
const fail = (message) => failures.push(message);

const source = readFileSync(join(OUTDIR, "index.js"), "utf8");
const modules = [...source.matchAll(MODULE_MARKER)].map(([, path]) => path);
if (!modules.includes("src/index.ts"))
  fail("no `// src/index.ts` marker in the bundle: the module check no longer matches esbuild's output");
const openApiModules = modules.filter((path) => OPENAPI_MODULE.test(path));
if (openApiModules.length > 0)
  fail(
    `OpenAPI modules in the Worker's bundle (build them in scripts/assets.mjs): ${openApiModules.join(", ")}`,
  );
const generator = modules.filter((path) => JSON_SCHEMA_MODULE.test(path));
if (generator.length > 0 || JSON_SCHEMA_NAME.test(source)) {
  const classic = modules.filter((path) => /(^|\/)node_modules\/zod\/v4\/classic\//.test(path));
  fail(
    `zod's JSON Schema generator (toJSONSchema) is in the Worker's bundle${generator.length > 0 ? `: ${generator.join(", ")}` : ""}${classic.length > 0 ? "; classic zod brings it (its schemas have a toJSONSchema method): src/ must use zod/mini" : ""}`,
  );
}
if (!source.includes(HELPER)) {
  fail(
    "esbuild's lazy-module helper is not in the bundle: are the schema modules still loaded with import()?",
  );
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
  if (!initialised.some((name) => name.startsWith("src/")))
    fail("the probe saw no module of src/ initialised: the instrumentation no longer matches the bundle");
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
  // The asset router serves /openapi.json in front of the Worker, which has no such route.
  const document = await worker.fetch(new Request("http://localhost/openapi.json"), env, ctx);
  if (document.status !== 404) fail(`the Worker answered GET /openapi.json with ${document.status}, not 404`);
  console.log(
    `lazy startup: ${modules.length} modules in the bundle, none of them OpenAPI; ${beforeToken} initialised at startup, none of them zod; the first validating request added ${initialised.length - beforeToken}`,
  );
}
for (const failure of failures) console.error(`FAIL  lazy startup: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
