import { describe, expect, it } from "vitest";
import { eventsContract, signingKeysContract } from "../../src/admin/contract";
import { cprAdminContract } from "../../src/cpr/admin-contract";
import { cprContract } from "../../src/cpr/contract";
import { oauthContract, publicDocumentContract } from "../../src/oauth/contract";
import { STATIC_ASSET_PATHS } from "../../src/openapi/paths";
import { portalAdminContract } from "../../src/portal/admin-contract";
import { portalContract } from "../../src/portal/contract";
import type { Contract } from "../../src/shared/contract";
import { upiAdminContract } from "../../src/upi/admin-contract";
import { customersContract, processContract } from "../../src/upi/contract";
import { servedDocument, servedRoutes } from "../support/openapi";

/** Every contract of src/ (docs/architecture.md#route-contracts). */
const CONTRACTS: Readonly<Record<string, Contract>> = {
  cprContract,
  portalContract,
  processContract,
  customersContract,
  oauthContract,
  publicDocumentContract,
  cprAdminContract,
  portalAdminContract,
  upiAdminContract,
  eventsContract,
  signingKeysContract,
};

// The benchmark's floor route stays a bare handler (bench/README.md); src/openapi/service-operations.ts
// documents it with the two static files.
const OUTSIDE_CONTRACTS = new Set(["GET /healthz", ...[...STATIC_ASSET_PATHS].map((path) => `GET ${path}`)]);

const declarations = Object.entries(CONTRACTS).flatMap(([contract, routes]) =>
  Object.entries(routes).map(([operationId, route]) => ({
    contract,
    operationId,
    route: `${route.method.toUpperCase()} ${route.path}`,
  })),
);

describe("route contracts", () => {
  it("declare every route the Worker serves, each once", () => {
    const declared = declarations.map(({ route }) => route);
    expect(declared.filter((route, index) => declared.indexOf(route) !== index)).toEqual([]);
    const undeclared = servedRoutes().filter(
      (route) => !OUTSIDE_CONTRACTS.has(route) && !declared.includes(route),
    );
    expect(undeclared).toEqual([]);
  });

  it("declare only routes the Worker serves", () => {
    const served = new Set(servedRoutes());
    expect(declarations.filter(({ route }) => !served.has(route))).toEqual([]);
  });

  it("are what the document describes: each operationId at its declared method and path", () => {
    const { paths } = servedDocument();
    for (const { operationId, route } of declarations) {
      const [method, path] = route.split(" ") as [string, string];
      expect(paths[path]?.[method.toLowerCase()]?.operationId, route).toBe(operationId);
    }
  });
});
