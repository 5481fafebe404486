import { describe, expect, it } from "vitest";
import { call, json } from "../support/worker";

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

describe("GET /docs", () => {
  it("serves Swagger UI over /openapi.json with a same-origin-only CSP that admits the initialiser by hash", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const html = await response.text();
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain('url: "/openapi.json"');
    expect(inline[0]).toContain("validatorUrl: null");
    expect(response.headers.get("Content-Security-Policy")).toBe(
      [
        "default-src 'none'",
        `script-src 'self' 'sha256-${await sha256Base64(inline[0]!)}'`,
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
  });

  // Swagger UI's files are Workers Static Assets (wrangler.toml [assets]): the asset router answers
  // them before the Worker runs, which `exports.default.fetch` does not model, so test/browser/docs.mjs
  // checks how they are served (status, type, caching) under the page's CSP.
  it("links only Swagger UI's files on its own origin, versioned for caching", async () => {
    const html = await (await call("/docs")).text();
    const links = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(links).toEqual([
      // An empty icon, so the browser does not ask for /favicon.ico.
      "data:,",
      expect.stringMatching(/^\/docs\/swagger-ui\.css\?v=\d+\.\d+\.\d+$/),
      expect.stringMatching(/^\/docs\/swagger-ui-bundle\.js\?v=\d+\.\d+\.\d+$/),
    ]);
  });

  it.each([
    ["/docs/swagger-ui.css.map", 404, { error: "not_found" }],
    ["/docs/index.html", 404, { error: "not_found" }],
  ])("answers %s with %i: the Worker serves no other file under /docs/", async (path, status, body) => {
    const response = await call(path);
    expect(response.status).toBe(status);
    expect(await json(response)).toEqual(body);
  });

  it("answers POST /docs with 405 and Allow", async () => {
    const response = await call("/docs", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });
});
