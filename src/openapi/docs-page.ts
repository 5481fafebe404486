import swaggerUiPackage from "swagger-ui-dist/package.json";
import { toBase64 } from "../shared/encoding";
import { OPENAPI_PATH } from "./paths";

// `/docs`: Swagger UI over `/openapi.json`, all static assets of this origin (scripts/assets.mjs), so the
// page asks nothing of the internet (issue 7) and its CSP (assets/_headers) can be `'self'` only.

const VERSION = encodeURIComponent(swaggerUiPackage.version);

// `validatorUrl: null`: Swagger UI otherwise asks validator.swagger.io for a badge.
const INITIALISER = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(OPENAPI_PATH)}, dom_id: "#swagger-ui", \
validatorUrl: null, deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout" });`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>authedge API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css?v=${VERSION}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js?v=${VERSION}"></script>
<script>${INITIALISER}</script>
</body>
</html>
`;

let policy: Promise<string> | undefined;

// The page's CSP: its origin, the inline initialiser by hash, `data:` images (the stylesheet's icons);
// scripts/assets.mjs refuses to build while assets/_headers says otherwise.
export function docsContentSecurityPolicy(): Promise<string> {
  policy ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(INITIALISER)).then((digest) => {
    return [
      "default-src 'none'",
      `script-src 'self' 'sha256-${toBase64(digest)}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; ");
  });
  return policy;
}
