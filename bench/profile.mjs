// A V8 CPU profile of the Worker's isolate while one route is under load (bench/README.md#comparing-builds-and-profiling): the
// bundle runs in workerd with an inspector port, the profiler samples every 100 us during one run, and
// the profile is written for Chrome DevTools (Performance > Load profile) and summarised: the functions
// with the most self time and the most inclusive time, in microseconds per request.
//
//   npm run bench:compare -- --build /tmp/after
//   npm run bench:profile -- --route upi-signature --script /tmp/after/index.js --out /tmp/upi.cpuprofile
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { drive } from "./load.mjs";
import { FLOOR, ROUTES } from "./routes.mjs";
import { provisionTenants } from "./tenants.mjs";
import { startWorker } from "./worker.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const INSPECTOR_PORT = 9329;
const SAMPLING_US = 100;

const { values } = parseArgs({
  options: {
    route: { type: "string" },
    script: { type: "string" },
    out: { type: "string", default: "bench/.work/profile.cpuprofile" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "8" },
    top: { type: "string", default: "30" },
  },
});
const route = values.route === "floor" ? FLOOR : ROUTES.find((candidate) => candidate.name === values.route);
if (!route || !values.script) {
  console.error(
    `usage: node bench/profile.mjs --route <floor|${ROUTES.map((r) => r.name).join("|")}> --script <bundle index.js> [--out file] [--seconds s] [--connections n]`,
  );
  process.exit(2);
}
const seconds = Number(values.seconds);
const connections = Number(values.connections);

/** A Chrome DevTools Protocol session with the Worker's isolate (not Miniflare's own workers). */
async function inspect() {
  const targets = /** @type {Array<{ title: string, webSocketDebuggerUrl: string }>} */ (
    await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json()
  );
  const target = targets.find((candidate) => candidate.title.includes("core:user:"));
  if (!target) throw new Error(`no Worker among the inspector's targets: ${targets.map((t) => t.title)}`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let lastId = 0;
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        lastId += 1;
        pending.set(lastId, resolve);
        socket.send(JSON.stringify({ id: lastId, method, params }));
      }),
    close: () => socket.close(),
  };
}

/** Self and inclusive microseconds per request of each function (name, bundle line). */
function summarise(profile, requests) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const name = (node) =>
    `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url ? `${node.callFrame.url.split("/").at(-1)}:${node.callFrame.lineNumber + 1}` : "(native)"}`;
  const self = new Map();
  const inclusive = new Map();
  profile.samples.forEach((id, index) => {
    const microseconds = profile.timeDeltas[index + 1] ?? 0;
    self.set(name(nodes.get(id)), (self.get(name(nodes.get(id))) ?? 0) + microseconds);
    const seen = new Set();
    for (let current = id; current !== undefined; current = parents.get(current)) {
      const key = name(nodes.get(current));
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + microseconds);
      seen.add(key);
    }
  });
  const total = profile.endTime - profile.startTime;
  const top = Number(values.top);
  for (const [title, table] of [
    ["self", self],
    ["inclusive", inclusive],
  ]) {
    console.log(
      `\n${title} time (${(total / requests).toFixed(1)} us of the isolate per request, idle included):`,
    );
    for (const [key, microseconds] of [...table].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(
        `  ${((100 * microseconds) / total).toFixed(1).padStart(5)} %  ${(microseconds / requests).toFixed(2).padStart(8)} us  ${key}`,
      );
    }
  }
}

const worker = await startWorker(values.script, join(ROOT, "wrangler.toml"), {
  inspectorPort: INSPECTOR_PORT,
});
try {
  const ctx = await provisionTenants(worker.base, worker.adminToken);
  const prepared = await route.prepare(ctx, { requests: 4000 * (seconds + 3) });
  await drive(ctx.base, prepared, { connections, seconds: 2 });
  const session = await inspect();
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_US });
  await session.send("Profiler.start");
  const run = await drive(ctx.base, prepared, { connections, seconds });
  const { profile } = await session.send("Profiler.stop");
  session.close();
  writeFileSync(values.out, JSON.stringify(profile));
  const requests = run.rps * seconds;
  console.log(
    `${values.route}: ${run.rps.toFixed(0)} req/s under the profiler (slower than without it); profile in ${values.out}`,
  );
  summarise(profile, requests);
} finally {
  await worker.stop();
}
