// Startup of `npm run bench` (issue 15): authedge's startup span against a bare Hono Worker's
// (bench/bare-hono, same compatibility date and flags), each measured by `wrangler check startup`
// on a prebuilt bundle, alternating, so that both see the same machine load. The span is the
// startup CPU profile's window (first to last sample), which wrangler prints as "Profile window".
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { experimental_readRawConfig } from "wrangler";
import { runCommand } from "./worker.mjs";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH_DIR);
const BARE_CONFIG = join(BENCH_DIR, "bare-hono", "wrangler.toml");
const STEP_TIMEOUT_MS = 180_000;

/** Runs the bare Worker only under the compatibility settings authedge has, or the ratio means nothing. */
function checkSameCompatibility() {
  const read = (config) => {
    const { rawConfig } = experimental_readRawConfig({ config });
    return JSON.stringify([rawConfig.compatibility_date, [...(rawConfig.compatibility_flags ?? [])].sort()]);
  };
  const [ours, bare] = [read(join(ROOT, "wrangler.toml")), read(BARE_CONFIG)];
  if (ours !== bare) throw new Error(`bench/bare-hono/wrangler.toml has ${bare}, wrangler.toml ${ours}`);
}

/** The startup span of one `wrangler check startup` of a prebuilt bundle, in milliseconds. */
async function startupSpan(bundle, profile) {
  await runCommand(
    "wrangler",
    ["check", "startup", "--worker", bundle, "--outfile", profile],
    STEP_TIMEOUT_MS,
  );
  const { startTime, endTime } = JSON.parse(readFileSync(profile, "utf8"));
  return (endTime - startTime) / 1000;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * Builds both Workers (`wrangler deploy --dry-run --outfile`, the bundle wrangler would upload) and
 * measures their startup `runs` times each, alternating. Returns the spans and their medians (ms).
 * @param {string} workDir
 * @param {{ runs?: number, log?: (line: string) => void }} [options]
 */
export async function measureStartup(workDir, { runs = 5, log = () => {} } = {}) {
  checkSameCompatibility();
  const workers = {
    authedge: { config: join(ROOT, "wrangler.toml"), bundle: join(workDir, "authedge.bundle") },
    bareHono: { config: BARE_CONFIG, bundle: join(workDir, "bare-hono.bundle") },
  };
  for (const { config, bundle } of Object.values(workers)) {
    await runCommand(
      "wrangler",
      ["deploy", "--dry-run", "--config", config, "--outfile", bundle],
      STEP_TIMEOUT_MS,
    );
  }
  /** @type {Record<"authedge" | "bareHono", number[]>} */
  const spans = { authedge: [], bareHono: [] };
  for (let run = 0; run < runs; run++) {
    for (const [name, { bundle }] of Object.entries(workers)) {
      spans[name].push(await startupSpan(bundle, join(workDir, `${name}.cpuprofile`)));
    }
    log(
      `  run ${run + 1}/${runs}: authedge ${spans.authedge[run].toFixed(1)} ms, bare Hono ${spans.bareHono[run].toFixed(1)} ms`,
    );
  }
  const authedge = median(spans.authedge);
  const bareHono = median(spans.bareHono);
  return { runs, spans, authedge_ms: authedge, bare_hono_ms: bareHono, ratio: authedge / bareHono };
}
