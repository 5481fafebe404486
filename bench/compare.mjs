// Compares builds of the Worker on one route, side by side (bench/README.md#comparing-builds-and-profiling): each build
// runs in its own workerd with its own tenants, and the rounds interleave them (floor, route, floor per
// build, the order alternating), so a busy machine slows every build alike. Per run it reports the ratio to
// the floor measured around it and the CPU time per request of workerd (all its threads, from /proc) and of
// the load generator; the medians over the rounds are what to compare.
//
//   npm run bench:compare -- --build /tmp/before        # bundle the working tree (once per version)
//   npm run bench:compare -- --route upi-signature before=/tmp/before/index.js after=/tmp/after/index.js
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { drive } from "./load.mjs";
import { FLOOR, ROUTES } from "./routes.mjs";
import { provisionTenants } from "./tenants.mjs";
import { buildWorker, startWorker } from "./worker.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** As in bench/run.mjs: the alarms every provisioned tenant sets 10 s later have run by then. */
const TENANT_ALARMS_SETTLED_MS = 12_000;
/** Linux counts process CPU time in ticks of 10 ms (USER_HZ 100). */
const TICK_US = 10_000;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    build: { type: "string" },
    route: { type: "string" },
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "3" },
    connections: { type: "string", default: "8" },
    // One-time payloads (signed routes) are made per round for this many requests a second.
    rps: { type: "string", default: "4000" },
  },
});

if (values.build) {
  console.log(await buildWorker(values.build));
  process.exit(0);
}

const route = ROUTES.find((candidate) => candidate.name === values.route);
if (!route || positionals.length === 0) {
  console.error(
    `usage: npm run bench:compare -- --build <dir>\n       npm run bench:compare -- --route <${ROUTES.map((r) => r.name).join("|")}> [--rounds n] [--seconds s] [--connections n] <label>=<bundle index.js> ...`,
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/** `/proc/<pid>/stat` after the command name: state, ppid, …, utime (index 11), stime (12). */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return {
    command: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    fields: stat.slice(stat.lastIndexOf(")") + 2).split(" "),
  };
}

/** The workerd processes this process started. */
function workerdChildren() {
  const pids = [];
  for (const name of readdirSync("/proc")) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const { command, fields } = statFields(name);
      if (command === "workerd" && Number(fields[1]) === process.pid) pids.push(Number(name));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

function cpuTicks(pid) {
  const { fields } = statFields(pid);
  return Number(fields[11]) + Number(fields[12]);
}

/** One load run, with the CPU microseconds per answered request of workerd and of this process. */
async function measured(build, prepared) {
  const ticks = cpuTicks(build.pid);
  const own = process.cpuUsage();
  const run = await drive(build.ctx.base, prepared, { connections, seconds });
  const client = process.cpuUsage(own);
  const requests = run.rps * seconds;
  const bad = run.non2xx + run.errors;
  return {
    ...run,
    bad,
    serverUs: ((cpuTicks(build.pid) - ticks) * TICK_US) / requests,
    clientUs: (client.user + client.system) / requests,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** @type {Array<{ label: string, pid: number, worker: Awaited<ReturnType<typeof startWorker>>, ctx: any, floor: any, runs: Array<Record<string, number>> }>} */
const builds = [];
const started = [];
try {
  for (const argument of positionals) {
    const [label, script] = argument.split("=");
    const before = new Set(workerdChildren());
    const worker = await startWorker(script, join(ROOT, "wrangler.toml"));
    started.push(worker);
    const pid = workerdChildren().find((pid) => !before.has(pid)) ?? 0;
    const ctx = await provisionTenants(worker.base, worker.adminToken);
    const floor = await FLOOR.prepare(ctx);
    const build = { label, worker, pid, ctx, floor, runs: [] };
    builds.push(build);
  }
  // The tenants' first alarms (10 s after provisioning, bench/run.mjs) run before anything is measured.
  await new Promise((resolve) => setTimeout(resolve, TENANT_ALARMS_SETTLED_MS));
  for (const build of builds) await drive(build.ctx.base, build.floor, { connections, seconds: 2 });
  for (let round = 0; round < rounds; round++) {
    for (const build of round % 2 ? [...builds].reverse() : builds) {
      const prepared = await route.prepare(build.ctx, {
        requests: Math.ceil(Number(values.rps) * (seconds + 2) * 1.3),
      });
      if (round === 0) await drive(build.ctx.base, prepared, { connections, seconds: 1 });
      const floorBefore = await measured(build, build.floor);
      const run = await measured(build, prepared);
      const floorAfter = await measured(build, build.floor);
      const floorRps = (floorBefore.rps + floorAfter.rps) / 2;
      const floorUs =
        (floorBefore.serverUs + floorAfter.serverUs + floorBefore.clientUs + floorAfter.clientUs) / 2;
      const result = {
        ratio: run.rps / floorRps,
        rps: run.rps,
        floorRps,
        serverUs: run.serverUs,
        clientUs: run.clientUs,
        cpuRatio: floorUs / (run.serverUs + run.clientUs),
      };
      build.runs.push(result);
      const problems = floorBefore.bad + run.bad + floorAfter.bad;
      console.log(
        `round ${round} ${build.label.padEnd(12)} ${run.rps.toFixed(0)} req/s, floor ${floorBefore.rps.toFixed(0)}/${floorAfter.rps.toFixed(0)}, ratio ${result.ratio.toFixed(3)}; CPU us/request workerd ${run.serverUs.toFixed(0)} + load ${run.clientUs.toFixed(0)}, CPU ratio ${result.cpuRatio.toFixed(3)}${problems ? `; ${problems} non-2xx or errors` : ""}${prepared.exhausted?.() ? "; ran out of one-time payloads" : ""}`,
      );
    }
  }
  console.log(
    `\nmedians over ${rounds} rounds (${values.route}, ${connections} connections, ${seconds} s runs):`,
  );
  for (const build of builds) {
    const of = (key) => median(build.runs.map((run) => run[key]));
    console.log(
      `  ${build.label.padEnd(12)} ratio ${of("ratio").toFixed(3)}  ${of("rps").toFixed(0)} req/s (floor ${of("floorRps").toFixed(0)})  CPU us/request workerd ${of("serverUs").toFixed(1)} + load ${of("clientUs").toFixed(1)}  CPU ratio ${of("cpuRatio").toFixed(3)}`,
    );
  }
} finally {
  for (const worker of started) await worker.stop().catch(() => {});
}
