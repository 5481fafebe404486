// The startup baseline of `npm run bench` (issue 15): a bare Hono Worker with one route, built and
// profiled exactly like authedge (`wrangler check startup`), under the same compatibility settings.
import { Hono } from "hono";

const app = new Hono();

app.get("/healthz", (c) => c.json({ status: "ok" }));

export default app;
