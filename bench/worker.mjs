// Builds the Worker and runs the bundle on local workerd through the Miniflare API
// (docs/architecture.md#performance): the bindings come from
// wrangler.toml, the secrets are throwaway values made for this run only.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Log, LogLevel, Miniflare } from "miniflare";
import { experimental_readRawConfig } from "wrangler";
import { prepareDocsAssets } from "../scripts/assets.mjs";
import { newSigningKeys } from "../scripts/dev-secrets.mjs";

const BUILD_TIMEOUT_MS = 180_000;
/** How much of workerd's output is kept to show when something fails (the Worker logs every request). */
const KEPT_OUTPUT_BYTES = 16 * 1024;

/**
 * Runs `command` (found on PATH: npm puts node_modules/.bin first), failing on a non-zero exit or timeout.
 * @param {string} command
 * @param {string[]} args
 * @param {number} timeoutMs
 * @returns {Promise<void>}
 */
export function runCommand(command, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    let output = "";
    const keep = (chunk) => {
      output = (output + chunk).slice(-KEPT_OUTPUT_BYTES);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

/** `wrangler deploy --dry-run`: the exact bundle a deploy would upload. Returns the entry module's path. */
export async function buildWorker(outdir) {
  // A fresh directory: files of an earlier build would be taken for modules of this one.
  rmSync(outdir, { recursive: true, force: true });
  // The dry run reads the [assets] directory (Swagger UI's files, not part of the bundle).
  prepareDocsAssets();
  await runCommand("wrangler", ["deploy", "--dry-run", "--outdir", outdir], BUILD_TIMEOUT_MS);
  return join(outdir, "index.js");
}

/**
 * Fresh secrets in the formats the Worker expects (docs/operations.md#configuration), never written anywhere.
 */
function throwawaySecrets() {
  const secret = () => randomBytes(32).toString("base64url");
  return {
    ADMIN_TOKEN: secret(),
    SIGNING_KEYS: newSigningKeys(`bench-${Date.now().toString(36)}`),
    UNIQUE_ID_SECRET: secret(),
    PASSWORD_PEPPER: secret(),
    KEY_ENCRYPTION_SECRET: secret(),
  };
}

// The Rate Limiting bindings keep their check on every path, but with a limit no run reaches: they
// count per client IP and per credential, and the bench is one IP and one credential per tenant, so
// production limits would measure the limiter's refusals instead of the work (bench/README.md).
const BENCH_RATE_LIMIT = 1_000_000_000;

// What wrangler applies after a config's own `rules` (its documented defaults).
const WRANGLER_DEFAULT_RULES = [
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
];

/** A glob's last path segment as a regular expression over a file name (`*` and `?` only). */
function fileNamePattern(glob) {
  const segment = glob.split("/").at(-1);
  const source = segment
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", "[^/]*")
    .replaceAll("?", "[^/]");
  return new RegExp(`^${source}$`);
}

/**
 * The bundle's modules with their types. Besides `index.js`, wrangler writes each file a `rules`
 * entry matched (Swagger UI's assets as Text, for instance) as `<sha1>-<file name>`; the rule it came
 * from is the first whose glob's file-name part matches that name.
 */
function bundleModules(entryPath, rules) {
  const outdir = dirname(entryPath);
  const extras = readdirSync(outdir).filter(
    (name) => name !== basename(entryPath) && !name.endsWith(".map") && name !== "README.md",
  );
  return [
    { type: "ESModule", path: entryPath },
    ...extras.map((name) => {
      const original = name.replace(/^[0-9a-f]{40}-/, "");
      const rule = rules.find((candidate) =>
        candidate.globs.some((glob) => fileNamePattern(glob).test(original)),
      );
      if (!rule) throw new Error(`bundle module ${name} matches no rule of wrangler.toml`);
      return { type: rule.type, path: join(outdir, name) };
    }),
  ];
}

/** The Miniflare options wrangler.toml describes: vars, KV namespaces, Durable Objects, compatibility. */
function optionsFromWranglerConfig(configPath) {
  const { rawConfig } = experimental_readRawConfig({ config: configPath });
  // Replays the migrations in order: a class renamed from a SQLite-backed one stays SQLite-backed.
  const sqliteClasses = new Set();
  for (const migration of rawConfig.migrations ?? []) {
    for (const name of migration.new_sqlite_classes ?? []) sqliteClasses.add(name);
    for (const { from, to } of migration.renamed_classes ?? []) {
      if (sqliteClasses.delete(from)) sqliteClasses.add(to);
    }
  }
  const durableObjects = Object.fromEntries(
    (rawConfig.durable_objects?.bindings ?? []).map((binding) => {
      if (binding.script_name)
        throw new Error(`${binding.name}: Durable Objects of other scripts are not supported`);
      return [
        binding.name,
        { className: binding.class_name, useSQLite: sqliteClasses.has(binding.class_name) },
      ];
    }),
  );
  const required = rawConfig.secrets?.required ?? [];
  return {
    required,
    rules: [...(rawConfig.rules ?? []), ...WRANGLER_DEFAULT_RULES],
    options: {
      compatibilityDate: rawConfig.compatibility_date,
      compatibilityFlags: rawConfig.compatibility_flags ?? [],
      kvNamespaces: Object.fromEntries((rawConfig.kv_namespaces ?? []).map((ns) => [ns.binding, ns.id])),
      durableObjects,
      vars: rawConfig.vars ?? {},
      ratelimits: Object.fromEntries(
        (rawConfig.ratelimits ?? []).map((binding) => [
          binding.name,
          {
            namespace_id: binding.namespace_id,
            simple: { limit: BENCH_RATE_LIMIT, period: binding.simple.period },
          },
        ]),
      ),
    },
  };
}

/** The workerd version Miniflare runs. */
export function workerdVersion() {
  const fromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare"));
  return fromMiniflare("workerd/package.json").version;
}

// Miniflare's in-memory mode does not cover SQLite-backed Durable Objects (workerd keeps them in
// files), so storage goes to a temporary directory: on tmpfs when there is one, because on a shared
// VM's disk every new object's SQLite file costs tens of milliseconds of fsync that no deployed
// Worker pays, and the bench would measure the disk instead of the code (bench/README.md).
const TMPFS = "/dev/shm";

function scratchDirectory(onDisk) {
  const parent = !onDisk && existsSync(TMPFS) ? TMPFS : tmpdir();
  return mkdtempSync(join(parent, "authedge-bench-"));
}

/**
 * Starts the bundle on 127.0.0.1 (a free port), storage in a fresh temporary directory (`onDisk`:
 * under the OS temp directory even when tmpfs exists). Outbound fetches are answered locally with
 * 502, so nothing leaves the machine. `inspectorPort` opens V8's inspector (bench/profile.mjs).
 * @param {string} scriptPath
 * @param {string} configPath
 * @param {{ onDisk?: boolean, inspectorPort?: number }} [options]
 */
export async function startWorker(scriptPath, configPath, { onDisk = false, inspectorPort } = {}) {
  const { required, rules, options } = optionsFromWranglerConfig(configPath);
  const secrets = throwawaySecrets();
  const missing = required.filter((name) => !(name in secrets));
  if (missing.length > 0)
    throw new Error(`wrangler.toml requires secrets the bench does not make: ${missing}`);
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-KEPT_OUTPUT_BYTES);
  };
  const modules = bundleModules(scriptPath, rules);
  const storage = scratchDirectory(onDisk);
  const removeStorage = () => rmSync(storage, { recursive: true, force: true });
  let mf;
  let url;
  try {
    mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      // bench/profile.mjs: V8's profiler reaches the Worker's isolate through this port.
      ...(inspectorPort === undefined ? {} : { inspectorPort }),
      log: new Log(LogLevel.WARN),
      // A placeholder `request.cf`: the real one would be fetched from Cloudflare.
      cf: false,
      defaultPersistRoot: storage,
      // The Worker logs a line per request; keep only the tail, to show when a run fails.
      handleRuntimeStdio(stdout, stderr) {
        stdout.on("data", keep);
        stderr.on("data", keep);
      },
      modules,
      // Module names are relative to the bundle's directory, wherever the bench is started from.
      modulesRoot: dirname(scriptPath),
      compatibilityDate: options.compatibilityDate,
      compatibilityFlags: options.compatibilityFlags,
      bindings: { ...options.vars, ...secrets },
      kvNamespaces: options.kvNamespaces,
      durableObjects: options.durableObjects,
      ratelimits: options.ratelimits,
      outboundService: () => new Response("authedge bench: outbound network is disabled", { status: 502 }),
    });
    url = await mf.ready;
  } catch (error) {
    // The constructor itself throws on options this Miniflare does not know.
    await mf?.dispose().catch(() => {});
    removeStorage();
    throw error;
  }
  return {
    base: url.origin,
    adminToken: secrets.ADMIN_TOKEN,
    recentOutput: () => output,
    storage,
    async stop() {
      try {
        await mf.dispose();
      } finally {
        removeStorage();
      }
    },
  };
}
