// Upload budget (issue 15), run by `npm run test:deploy`: builds what `wrangler deploy` would upload
// (`wrangler deploy --dry-run` into a fresh .wrangler/dry-run) and checks that it stays within 300 KiB
// gzipped, with Swagger UI left out of it (it is served from Workers Static Assets). Sizes, not
// durations: nothing here depends on the machine.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { KIB, uploadSize } from "../../scripts/upload-size.mjs";

const BUDGET_GZIP_KIB = 300;
const OUTDIR = join(".wrangler", "dry-run");

// A fresh directory: wrangler does not remove the modules of an earlier build from it.
rmSync(OUTDIR, { recursive: true, force: true });
// npm puts node_modules/.bin (and so Node 22 and wrangler) first on PATH for npm scripts.
const build = spawnSync("wrangler", ["deploy", "--dry-run", "--outdir", OUTDIR], {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
if (build.status !== 0) process.exit(build.status ?? 1);

const { files, bytes, gzipBytes } = uploadSize(OUTDIR);
const gzipKib = gzipBytes / KIB;
console.log(
  `upload budget: ${files.join(", ")}: ${(bytes / KIB).toFixed(1)} KiB, gzip ${gzipKib.toFixed(1)} KiB (budget ${BUDGET_GZIP_KIB} KiB)`,
);
const failures = [];
if (gzipKib > BUDGET_GZIP_KIB) failures.push(`gzip ${gzipKib.toFixed(1)} KiB is over ${BUDGET_GZIP_KIB} KiB`);
const stray = files.filter((name) => name !== "index.js");
if (stray.length > 0) failures.push(`modules besides index.js (static files belong in assets/): ${stray}`);
for (const failure of failures) console.error(`FAIL  upload budget: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
