// `npm run dev`: local secrets, `wrangler dev`, then demo tenants seeded through the admin API
// (docs/operations.md#local-development).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { prepareAssets } from "./assets.mjs";
import { ensureDevVars, readDevVars } from "./dev-secrets.mjs";
import { seedDemo } from "./seed/index.mjs";

const args = process.argv.slice(2);
const portArg = args.findIndex((arg) => arg === "--port" || arg.startsWith("--port="));
const port =
  portArg === -1
    ? 8787
    : Number(args[portArg].includes("=") ? args[portArg].split("=")[1] : args[portArg + 1]);
const ipArg = args.findIndex((arg) => arg === "--ip" || arg.startsWith("--ip="));
const host =
  ipArg === -1 ? "127.0.0.1" : args[ipArg].includes("=") ? args[ipArg].split("=")[1] : args[ipArg + 1];

// /openapi.json, /docs and Swagger UI's files, served by Workers Static Assets (wrangler.toml [assets]):
// built once here, so a change to an OpenAPI module shows after restarting `npm run dev`.
await prepareAssets();
if (ensureDevVars()) console.log("authedge: created .dev.vars with fresh local secrets (git-ignored)");
const secrets = readDevVars(readFileSync(".dev.vars", "utf8"));

// npm puts node_modules/.bin (and so Node 22) first on PATH for npm scripts.
const wranglerBin = "wrangler";
const wranglerArgs = [
  "dev",
  ...(portArg === -1 ? ["--port", String(port)] : []),
  ...(ipArg === -1 ? ["--ip", host] : []),
  ...args,
];
const child = spawn(wranglerBin, wranglerArgs, {
  stdio: "inherit",
  env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"]))
  process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

const base = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
async function waitForHealth() {
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`wrangler dev did not answer on ${base} within 2 minutes`);
}

try {
  await waitForHealth();
  const lines = await seedDemo(base, secrets.ADMIN_TOKEN);
  console.log(`\n${lines.join("\n")}\n`);
} catch (error) {
  console.error(`authedge: seeding the demo tenants failed: ${error.message}`);
}
