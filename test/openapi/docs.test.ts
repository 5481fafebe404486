import { describe, expect, it } from "vitest";
import { DOCS_HTML, docsContentSecurityPolicy } from "../../src/openapi/docs-page";
import { call, json } from "../support/worker";

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

// `/docs` is a static file (issue 15): scripts/assets.mjs writes DOCS_HTML to assets/docs.html and the
// asset router serves it with the headers of assets/_headers, whose CSP test/deploy/static-assets.mjs
// checks against the page and test/browser/docs.mjs checks as served, in Chromium.
describe("the /docs page", () => {
  it("is Swagger UI over /openapi.json with a same-origin-only CSP that admits the initialiser by hash", async () => {
    const inline = [...DOCS_HTML.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain('url: "/openapi.json"');
    expect(inline[0]).toContain("validatorUrl: null");
    expect(await docsContentSecurityPolicy()).toBe(
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

  it("links only Swagger UI's files on its own origin, versioned for caching", () => {
    const links = [...DOCS_HTML.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(links).toEqual([
      // An empty icon, so the browser does not ask for /favicon.ico.
      "data:,",
      expect.stringMatching(/^\/docs\/swagger-ui\.css\?v=\d+\.\d+\.\d+$/),
      expect.stringMatching(/^\/docs\/swagger-ui-bundle\.js\?v=\d+\.\d+\.\d+$/),
    ]);
  });

  // Swagger UI's files are static assets too. A path under /docs/ that is no asset reaches the Worker
  // (the asset router first redirects /docs/ and /docs/index.html to /docs: test/browser/docs.mjs).
  it.each([
    ["/docs/swagger-ui.css.map", 404, { error: "not_found" }],
    ["/docs/index.html", 404, { error: "not_found" }],
  ])("the Worker answers %s with %i: it serves no file under /docs/", async (path, status, body) => {
    const response = await call(path);
    expect(response.status).toBe(status);
    expect(await json(response)).toEqual(body);
  });
});
