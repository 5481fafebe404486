/**
 * The two routes of this folder, shared by the router (loaded at startup) and by the document and
 * the page (loaded on their first request, src/openapi/routes.ts).
 */

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";
