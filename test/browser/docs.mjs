// Real-browser test of /docs (issue 7): starts the Worker with `wrangler dev` on a free local port
// and throwaway secrets, opens the page in Debian's headless Chromium through playwright-core, and
// checks that every operation renders, that "Try it out" works under the page's CSP, and that no
// request leaves the machine. Also validates /openapi.json against the OpenAPI 3.1 schema (the
// validator reads its schemas from disk, so it runs here on Node rather than inside workerd), and
// checks how the asset router serves /openapi.json and /docs (static files built by
// scripts/assets.mjs, issue 15): their headers from assets/_headers, HEAD, other methods, redirects.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { chromium } from "playwright-core";
import { DOCS_PAGE_ASSET, docsPolicyInHeaders, OPENAPI_ASSET } from "../../scripts/assets.mjs";
import { ensureDevVars } from "../../scripts/dev-secrets.mjs";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = "test-results/docs.png";
const DEADLINE_MS = 180_000;
const HOST = "127.0.0.1";

const results = { passed: 0, failed: 0 };
/** The running `wrangler dev`, stopped on every way out. */
let worker;

async function check(name, run) {
  try {
    await run();
    results.passed++;
    console.log(`ok    ${name}`);
  } catch (error) {
    results.failed++;
    console.error(`FAIL  ${name}\n      ${error.message.split("\n").join("\n      ")}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, worker) {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (worker.exitCode !== null) throw new Error(`wrangler dev exited with ${worker.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer on ${base} within 90 s`);
}

function startWorker(port, inspectorPort, workDir) {
  const envFile = join(workDir, "secrets.env");
  ensureDevVars(envFile);
  // Node 22 and wrangler from node_modules/.bin even when not run through npm.
  const bin = resolve("node_modules", ".bin");
  // A process group of its own, so wrangler and the workerd it starts are stopped together.
  return spawn(
    join(bin, "wrangler"),
    [
      "dev",
      ...["--ip", HOST, "--port", String(port), "--inspector-port", String(inspectorPort)],
      ...["--env-file", envFile, "--persist-to", join(workDir, "state")],
      "--show-interactive-dev-session=false",
    ],
    {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        PATH: `${bin}${delimiter}${process.env.PATH}`,
        WRANGLER_SEND_METRICS: "false",
        CI: "true",
      },
    },
  );
}

/** @returns {Promise<void>} */
function stopWorker() {
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hardStop = setTimeout(() => {
      try {
        process.kill(-worker.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    worker.once("exit", () => {
      clearTimeout(hardStop);
      resolve();
    });
    try {
      process.kill(-worker.pid, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

async function run() {
  const workDir = mkdtempSync(join(tmpdir(), "authedge-docs-"));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const base = `http://${HOST}:${port}`;
  worker = startWorker(port, inspectorPort, workDir);
  let workerLog = "";
  worker.stdout.on("data", (chunk) => (workerLog += chunk));
  worker.stderr.on("data", (chunk) => (workerLog += chunk));
  let context;
  try {
    await waitForHealth(base, worker);
    const documentResponse = await fetch(`${base}/openapi.json`);
    /** @type {any} The OpenAPI document, checked by the validator below. */
    const document = await documentResponse.json();

    await check(
      "/openapi.json and /docs are the built files, with the headers of assets/_headers",
      async () => {
        const page = await fetch(`${base}/docs`);
        /** @type {[path: string, answer: Response, headers: Record<string, string | RegExp>][]} */
        const expected = [
          [
            "/openapi.json",
            documentResponse,
            {
              "content-type": /^application\/json(;|$)/,
              "cache-control": "public, max-age=300",
              "access-control-allow-origin": "*",
            },
          ],
          [
            "/docs",
            page,
            {
              "content-type": /^text\/html(;|$)/,
              "content-security-policy": docsPolicyInHeaders(),
              "x-content-type-options": "nosniff",
              "referrer-policy": "no-referrer",
              "cache-control": "public, max-age=300",
            },
          ],
        ];
        for (const [path, response, headers] of expected) {
          assert(response.status === 200, `${path} answered ${response.status}`);
          // Served without running the Worker, which stamps every answer of its own.
          assert(!response.headers.has("x-request-id"), `${path} came from the Worker`);
          for (const [name, value] of Object.entries(headers)) {
            const actual = response.headers.get(name) ?? "";
            assert(
              typeof value === "string" ? actual === value : value.test(actual),
              `${path} ${name}: ${actual}`,
            );
          }
          // What the document says these answers carry, they carry.
          const documented = Object.keys(document.paths[path].get.responses["200"].headers ?? {});
          assert(documented.length > 0, `${path} documents no header`);
          for (const name of documented)
            assert(response.headers.has(name), `${path} lacks documented ${name}`);
        }
        assert(
          (await page.text()) === readFileSync(DOCS_PAGE_ASSET, "utf8"),
          "/docs is not assets/docs.html",
        );
        const file = JSON.parse(readFileSync(OPENAPI_ASSET, "utf8"));
        assert(JSON.stringify(document) === JSON.stringify(file), "/openapi.json is not assets/openapi.json");
      },
    );

    await check(
      "HEAD answers 200 without a body; other methods 405 with Allow; /docs/ and /docs.html redirect",
      async () => {
        for (const path of ["/openapi.json", "/docs"]) {
          const head = await fetch(`${base}${path}`, { method: "HEAD" });
          assert(head.status === 200, `HEAD ${path} answered ${head.status}`);
          assert((await head.text()) === "", `HEAD ${path} has a body`);
          for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
            const refused = await fetch(`${base}${path}`, { method });
            assert(refused.status === 405, `${method} ${path} answered ${refused.status}`);
            const allow = refused.headers.get("allow");
            assert(allow === "GET, HEAD", `${method} ${path} Allow: ${allow}`);
          }
        }
        // assets/_headers is the asset router's configuration, not a file it serves: the Worker's 404.
        const config = await fetch(`${base}/_headers`);
        assert(
          config.status === 404 && config.headers.has("x-request-id"),
          `/_headers answered ${config.status}`,
        );
        for (const path of ["/docs/", "/docs.html", "/docs/index.html"]) {
          const moved = await fetch(`${base}${path}`, { redirect: "manual" });
          const location = moved.headers.get("location");
          assert(
            moved.status === 307 && new URL(location ?? "", base).pathname === "/docs",
            `${path} answered ${moved.status} ${location}`,
          );
        }
      },
    );

    await check("/openapi.json is a valid OpenAPI 3.1 document", async () => {
      const result = await new Validator().validate(document);
      assert(result.valid, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
      assert(/^3\.1\./.test(document.openapi), `openapi is ${document.openapi}`);
    });

    context = await chromium.launchPersistentContext(join(workDir, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1400 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const requests = [];
    const problems = [];
    /** The page's responses for Swagger UI's files (Workers Static Assets, not the Worker). */
    const assets = new Map();
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()} (${message.location().url})`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
      const path = new URL(response.url()).pathname;
      if (path.startsWith("/docs/")) assets.set(path, response);
    });
    page.on("requestfailed", (request) =>
      problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
    );

    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    await check("/docs renders every operation of the document", async () => {
      const response = await page.goto(`${base}/docs`, { waitUntil: "load" });
      assert(response?.status() === 200, `/docs answered ${response?.status()}`);
      await page
        .locator(".opblock")
        .nth(operations.length - 1)
        .waitFor({ timeout: 30_000 });
      const rendered = await page.locator(".opblock").count();
      assert(
        rendered === operations.length,
        `${rendered} operations rendered, ${operations.length} documented`,
      );
    });

    await check(
      "Swagger UI's files come from Workers Static Assets, typed, cached for good, nosniff",
      async () => {
        const expected = {
          "/docs/swagger-ui.css": /^text\/css\b/,
          "/docs/swagger-ui-bundle.js": /^(text|application)\/javascript\b/,
        };
        assert(
          [...assets.keys()].sort().join() === Object.keys(expected).sort().join(),
          `assets loaded: ${[...assets.keys()].join(", ")}`,
        );
        for (const [path, type] of Object.entries(expected)) {
          const response = assets.get(path);
          const headers = response.headers();
          assert(response.status() === 200, `${path} answered ${response.status()}`);
          assert(type.test(headers["content-type"] ?? ""), `${path} Content-Type ${headers["content-type"]}`);
          assert(
            headers["cache-control"] === "public, max-age=31536000, immutable",
            `${path} Cache-Control ${headers["cache-control"]}`,
          );
          assert(headers["x-content-type-options"] === "nosniff", `${path} has no X-Content-Type-Options`);
        }
        const css = await assets.get("/docs/swagger-ui.css").text();
        assert(css.includes(".swagger-ui"), "the stylesheet is not Swagger UI's");
        assert(!css.includes("sourceMappingURL"), "the stylesheet names a source map that is not shipped");
      },
    );

    await check("an operation of every tag shows its summary", async () => {
      for (const tag of document.tags) {
        const first = operations.find((operation) => operation.tags.includes(tag.name));
        assert(first, `no operation under ${tag.name}`);
        const summary = page.locator(".opblock-summary-description", { hasText: first.summary }).first();
        assert(await summary.isVisible(), `"${first.summary}" (${tag.name}) is not visible`);
      }
    });

    await check('"Try it out" on GET /healthz reaches the Worker under the page\'s CSP', async () => {
      const block = page.locator("#operations-Service-getHealth");
      await block.locator(".opblock-summary").click();
      await block.getByRole("button", { name: "Try it out" }).click();
      await block.getByRole("button", { name: "Execute" }).click();
      const status = block.locator(".live-responses-table .response .response-col_status").first();
      await status.waitFor({ timeout: 15_000 });
      const text = (await status.textContent())?.trim();
      assert(text === "200", `live response status ${text}`);
    });

    await check("the page made no request off the machine", async () => {
      const foreign = requests.filter((url) => !url.startsWith(`${base}/`) && !url.startsWith("data:"));
      assert(requests.length > 0, "no request was recorded");
      assert(foreign.length === 0, `requests to other hosts:\n${foreign.join("\n")}`);
    });

    await check("no CSP violation, script error or failed request", async () => {
      assert(problems.length === 0, problems.join("\n"));
    });

    await check(`screenshot saved to ${SCREENSHOT}`, async () => {
      mkdirSync("test-results", { recursive: true });
      await page.evaluate(() => globalThis.scrollTo(0, 0));
      await page.screenshot({ path: SCREENSHOT });
    });
  } catch (error) {
    results.failed++;
    console.error(`FAIL  setup: ${error.message}\n${workerLog.slice(-3000)}`);
  } finally {
    await context?.close().catch(() => {});
    await stopWorker();
    rmSync(workDir, { recursive: true, force: true });
  }
}

const deadline = setTimeout(() => {
  console.error(`FAIL  the browser test did not finish within ${DEADLINE_MS / 1000} s`);
  console.log(`${results.passed} passed, ${results.failed + 1} failed`);
  try {
    if (worker) process.kill(-worker.pid, "SIGKILL");
  } catch {
    // already gone
  }
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

await run();
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed === 0 ? 0 : 1);
