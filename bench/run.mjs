// `npm run bench` (docs/architecture.md#performance, issue 8): builds the Worker, runs it on local workerd
// through Miniflare, provisions its own tenants and drives every token route and the floor (`/healthz`) with
// autocannon. Each route's throughput is compared with the floor measured right before and right after it.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { KIB, uploadSize } from "../scripts/upload-size.mjs";
import { call } from "./http.mjs";
import { drive } from "./load.mjs";
import { FLOOR, ROUTES } from "./routes.mjs";
import { measureStartup } from "./startup.mjs";
import { provisionTenants } from "./tenants.mjs";
import { buildWorker, startWorker, workerdVersion } from "./worker.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);

/** Ratios to the floor at 8 connections that the hot paths must reach (issues 8 and 13). */
const TARGETS = {
  "cpr-token": 0.15,
  "cpr-token-uniqueid": 0.4,
  "portal-reuse": 0.018,
  "portal-session": 0.45,
  "upi-signature": 0.35,
  "upi-client-auth-token": 0.4,
  introspect: 0.4,
  jwks: 0.95,
};
const TARGET_CONNECTIONS = 8;
/** Issue 15: authedge's startup span within this multiple of a bare Hono Worker's; upload budget. */
const STARTUP_RATIO_TARGET = 1.5;
const UPLOAD_GZIP_KIB_TARGET = 300;
/** `wrangler check startup` runs per Worker, alternating (issue 15). */
const STARTUP_RUNS = 5;
/** One-time supplies (signed payloads, token uses) cover this multiple of the floor's request rate. */
const SUPPLY_HEADROOM = 1.25;
/** Build, start, provisioning and signing, beyond the load runs themselves. */
const SETUP_ALLOWANCE_SECONDS = 240;
/** Starting a fresh Worker and provisioning its tenants, before each route. */
const ROUTE_SETUP_SECONDS = 15;
/**
 * Every tenant the provisioning creates or changes sets its object's alarm 10 s later (RETRY_MS in
 * src/admin/tenant.ts: the safety net that republishes its KV copy). The ~70 alarms (the portal's 64 users
 * among them) take ~0.1-0.2 s of the isolate and landed in the run of a route whose preparation is instant
 * (the JWKS: a few percent of its rate). The floor warms up until they have run, then the measured runs start.
 */
const TENANT_ALARMS_SETTLED_MS = 12_000;

const USAGE = `Usage: npm run bench -- [--quick] [--startup-only] [--duration <s>] [--warmup <s>] [--connections <n,n>] [--routes <a,b>] [--out <file>] [--disk]
  --quick          smoke run: 1 s warm-up (not waiting for the tenants' first alarms), 1 s per run, 1 startup run, output to bench/.work/quick-results.json
  --startup-only   only the startup comparison and the upload size (no load runs, nothing written)
  --duration <s>   seconds measured per run (default 5)
  --warmup <s>     seconds of warm-up before each route (default 2)
  --connections    comma-separated connection counts (default 8,32)
  --routes         comma-separated route names to run (default: all)
  --out <file>     where the results go (default bench/results.json)
  --disk           keep the Worker's storage on disk (OS temp directory) rather than tmpfs`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      "startup-only": { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      routes: { type: "string" },
      out: { type: "string" },
      disk: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const seconds = (text, fallback) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 60)
      throw new Error(`not 1-60 whole seconds: ${text}`);
    return value;
  };
  const connections = (values.connections ?? "8,32").split(",").map((text) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > 256)
      throw new Error(`not a connection count: ${text}`);
    return value;
  });
  const known = new Set(ROUTES.map((route) => route.name));
  const names = values.routes?.split(",") ?? [...known];
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new Error(`unknown route(s) ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  return {
    disk: values.disk,
    startupOnly: values["startup-only"],
    startupRuns: values.quick ? 1 : STARTUP_RUNS,
    // A smoke run does not wait for the tenants' first alarms (10 s per route).
    settle: !values.quick,
    // autocannon stops on its once-a-second sampling tick, so runs are whole seconds.
    seconds: seconds(values.duration, values.quick ? 1 : 5),
    warmup: seconds(values.warmup, values.quick ? 1 : 2),
    connections,
    routes: ROUTES.filter((route) => names.includes(route.name)),
    out:
      values.out ??
      (values.quick ? join(BENCH_DIR, ".work", "quick-results.json") : join(BENCH_DIR, "results.json")),
  };
}

function describeMachine() {
  const processors = cpus();
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `${processors[0]?.model.trim() ?? "unknown CPU"}, ${processors.length} cores, ${memory} RAM, Node ${process.version}, workerd ${workerdVersion()}`;
}

/** One request through `fetch`, checked before any load: a route that does not work is not measured. */
async function probe(base, prepared) {
  const { request, nextBody, nextHeaders, check } = prepared;
  const answer = await call(base, request.method, request.path, {
    headers: { ...request.headers, ...nextHeaders?.() },
    body: nextBody ? nextBody() : request.body,
  });
  if (answer.status < 200 || answer.status >= 300) return `probe answered ${answer.status}`;
  return typeof answer.body === "object" ? check(answer.body) : "probe answer is not JSON";
}

const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
const round = (value, digits) => Number(value.toFixed(digits));

function row(route, connections, run, floorRps) {
  return {
    route,
    connections,
    rps: round(run.rps, 1),
    p50_ms: round(run.p50_ms, 2),
    p99_ms: round(run.p99_ms, 2),
    ratio: round(run.rps / floorRps, 3),
    non2xx: run.non2xx,
  };
}

/**
 * Every route at one connection count. Each route gets a fresh Worker (new storage, tenants provisioned
 * again): the CPR routes make a Durable Object per request, and local workerd keeps every one's SQLite
 * files open, so a few routes in one process exhaust the file-descriptor limit (SQLITE_CANTOPEN 500s,
 * refused connections) long before anything in the Worker does. Each route runs between a floor run
 * before and one after it, in its own Worker, and is compared with their mean.
 */

/**
 * A route that makes a Durable Object per request gets at most this much warm-up and run: at ~1,000
 * requests a second, 1 + 3 s of new objects (three SQLite files each) stays under local workerd's 20,000
 * file descriptors, which cannot be raised, where 2 + 5 s did not (SQLITE_CANTOPEN 500s inflated the rate).
 */
const NEW_OBJECT_ROUTE_SECONDS = { warmup: 1, run: 3 };
async function benchConnections(start, options, connections, problems) {
  const load = { connections, seconds: options.seconds };
  const warm = { connections, seconds: options.warmup };
  const floors = [];
  const rows = [];
  for (const route of options.routes) {
    const ctx = await start();
    const settledAt = Date.now() + (options.settle ? TENANT_ALARMS_SETTLED_MS : 0);
    const floorRequest = await FLOOR.prepare(ctx);
    await drive(ctx.base, floorRequest, {
      connections,
      seconds: Math.max(warm.seconds, Math.ceil((settledAt - Date.now()) / 1000)),
    });
    const before = await drive(ctx.base, floorRequest, load);
    floors.push(before);
    const requests =
      Math.ceil(before.rps * (options.warmup + options.seconds + 2) * SUPPLY_HEADROOM) + 4 * connections;
    let prepared;
    let refusal;
    try {
      prepared = await route.prepare(ctx, { requests });
      refusal = await probe(ctx.base, prepared);
    } catch (error) {
      refusal = error.message;
    }
    if (refusal) {
      problems.push(`${route.name} @${connections}: ${refusal}; not measured`);
      continue;
    }
    const short = route.newObjectPerRequest === true;
    await drive(
      ctx.base,
      prepared,
      short ? { connections, seconds: Math.min(warm.seconds, NEW_OBJECT_ROUTE_SECONDS.warmup) } : warm,
    );
    const run = await drive(
      ctx.base,
      prepared,
      short ? { connections, seconds: Math.min(load.seconds, NEW_OBJECT_ROUTE_SECONDS.run) } : load,
    );
    const after = await drive(ctx.base, floorRequest, load);
    floors.push(after);
    const measured = row(route.name, connections, run, mean([before.rps, after.rps]));
    rows.push(measured);
    console.log(
      `  ${route.name.padEnd(22)} @${connections}: ${measured.rps} req/s, floor ${round(before.rps, 1)}/${round(after.rps, 1)}, ratio ${measured.ratio}`,
    );
    if (run.non2xx > 0)
      problems.push(`${route.name} @${connections}: non-2xx answers ${JSON.stringify(run.statusCodes)}`);
    if (run.errors > 0)
      problems.push(`${route.name} @${connections}: ${run.errors} connection errors or timeouts`);
    if (prepared.exhausted?.()) {
      problems.push(`${route.name} @${connections}: ran out of one-time payloads (raise SUPPLY_HEADROOM)`);
    }
  }
  for (const floor of floors) {
    if (floor.non2xx > 0 || floor.errors > 0) problems.push(`floor @${connections}: non-2xx or errors`);
  }
  const floorRow = {
    route: "floor",
    connections,
    rps: round(mean(floors.map((floor) => floor.rps)), 1),
    p50_ms: round(mean(floors.map((floor) => floor.p50_ms)), 2),
    p99_ms: round(mean(floors.map((floor) => floor.p99_ms)), 2),
    ratio: 1,
    non2xx: floors.reduce((sum, floor) => sum + floor.non2xx, 0),
  };
  return [floorRow, ...rows];
}

function printTable(results) {
  const header = ["route", "connections", "req/s", "p50 ms", "p99 ms", "ratio", "non2xx"];
  const lines = results.map((r) =>
    [r.route, r.connections, r.rps, r.p50_ms, r.p99_ms, r.ratio, r.non2xx].map(String),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(" | ")} |`;
  console.log(format(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const line of lines) console.log(format(line));
}

function printTargets(results) {
  console.log(`\nTargets (ratio to the floor at ${TARGET_CONNECTIONS} connections):`);
  for (const [route, target] of Object.entries(TARGETS)) {
    const measured = results.find((r) => r.route === route && r.connections === TARGET_CONNECTIONS);
    const verdict = !measured ? "not measured" : measured.ratio >= target ? "met" : "MISSED";
    console.log(
      `  ${route.padEnd(20)} >= ${String(target).padEnd(6)} ${measured ? measured.ratio : "-"}  ${verdict}`,
    );
  }
}

function printStartup({ startup, uploadGzipKib }) {
  const verdict = (met) => (met ? "met" : "MISSED");
  console.log(
    `\nStartup (wrangler check startup, median of ${startup.runs} alternating runs): authedge ${startup.authedge_ms.toFixed(1)} ms, bare Hono ${startup.bare_hono_ms.toFixed(1)} ms`,
  );
  console.log(
    `  startup ratio        <= ${String(STARTUP_RATIO_TARGET).padEnd(6)} ${startup.ratio.toFixed(2)}  ${verdict(startup.ratio <= STARTUP_RATIO_TARGET)}`,
  );
  console.log(
    `  upload gzip KiB      <= ${String(UPLOAD_GZIP_KIB_TARGET).padEnd(6)} ${uploadGzipKib.toFixed(1)}  ${verdict(uploadGzipKib <= UPLOAD_GZIP_KIB_TARGET)}`,
  );
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  // Per route: a fresh Worker and its tenants, floor warm-up and run, route warm-up and run, floor again.
  const planned =
    options.connections.length *
    options.routes.length *
    (ROUTE_SETUP_SECONDS +
      Math.max(options.warmup, options.settle ? TENANT_ALARMS_SETTLED_MS / 1000 : 0) +
      options.warmup +
      3 * options.seconds +
      2);
  // Settling after slow runs and signing one-time payloads add to the plan; the bound stays firm.
  const limitSeconds = Math.ceil(planned * 1.5 + SETUP_ALLOWANCE_SECONDS);
  const deadline = setTimeout(() => {
    console.error(`bench: still running after ${limitSeconds} s; giving up`);
    shutdown(1);
  }, limitSeconds * 1000);
  deadline.unref();

  const machine = describeMachine();
  console.log(
    `authedge bench: ${machine}; load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(" ")}`,
  );
  console.log(`building the Worker (wrangler deploy --dry-run)…`);
  const dist = join(BENCH_DIR, ".work", "dist");
  const scriptPath = await buildWorker(dist);
  // Startup first, before workerd runs the load: both Workers see the same, quieter machine.
  const startupDir = join(BENCH_DIR, ".work", "startup");
  mkdirSync(startupDir, { recursive: true });
  console.log(`startup: authedge and a bare Hono Worker, ${options.startupRuns} alternating runs each…`);
  const startup = await measureStartup(startupDir, { runs: options.startupRuns, log: console.log });
  const cold = { startup, uploadGzipKib: uploadSize(dist).gzipBytes / KIB };
  if (options.startupOnly) {
    printStartup(cold);
    return 0;
  }
  const problems = [];
  const results = [];
  /** Stops the previous Worker, starts a fresh one on new storage and provisions its tenants. */
  const start = async () => {
    if (worker) {
      lastOutput = worker.recentOutput();
      await worker.stop();
      worker = undefined;
    }
    worker = await startWorker(scriptPath, join(ROOT, "wrangler.toml"), { onDisk: options.disk });
    return provisionTenants(worker.base, worker.adminToken);
  };
  for (const connections of options.connections) {
    console.log(
      `\n${connections} connections: ${options.warmup} s warm-up, ${options.seconds} s per run (routes that make an object per request: at most ${NEW_OBJECT_ROUTE_SECONDS.warmup} s + ${NEW_OBJECT_ROUTE_SECONDS.run} s), a fresh Worker per route`,
    );
    results.push(...(await benchConnections(start, options, connections, problems)));
  }
  console.log("");
  printTable(results);
  printTargets(results);
  printStartup(cold);
  const startupFigures = {
    runs: startup.runs,
    authedge_ms: round(startup.authedge_ms, 1),
    bare_hono_ms: round(startup.bare_hono_ms, 1),
    ratio: round(startup.ratio, 2),
    upload_gzip_kib: round(cold.uploadGzipKib, 1),
  };
  writeFileSync(options.out, `${JSON.stringify({ machine, startup: startupFigures, results }, null, 2)}\n`);
  console.log(`\nresults written to ${options.out}`);
  if (problems.length > 0) {
    console.error(
      `\nbench FAILED:\n  ${problems.join("\n  ")}\n\nlast Worker output:\n${(worker?.recentOutput() ?? lastOutput).slice(-2000)}`,
    );
    return 1;
  }
  return 0;
}

let worker;
/** The output of the last Worker stopped, for a failure reported after it. */
let lastOutput = "";
let stopping;
/** Stops workerd (once) and exits. */
function shutdown(code) {
  stopping ??= (worker ? worker.stop() : Promise.resolve()).catch((error) => {
    console.error(`bench: stopping Miniflare failed: ${error.message}`);
  });
  stopping.finally(() => process.exit(code));
}

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => shutdown(130));

main().then(shutdown, (error) => {
  console.error(`bench: ${error.stack ?? error}`);
  if (worker) console.error(`last Worker output:\n${worker.recentOutput().slice(-2000)}`);
  shutdown(1);
});
