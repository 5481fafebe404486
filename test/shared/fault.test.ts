import { describe, expect, it } from "vitest";
import { renderAdminFault } from "../../src/admin/errors";
import { renderCprFault } from "../../src/cpr/errors";
import { faultRendererFor } from "../../src/families";
import { renderOAuthFault } from "../../src/oauth/errors";
import { renderPortalFault } from "../../src/portal/errors";
import { errorResponse, type Fault, isOverloaded, renderPlainFault } from "../../src/shared/fault";
import { renderCustomerApiFault, renderUpiFault } from "../../src/upi/errors";

const FAULT_STATUS: Record<Fault, number> = {
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  malformed_json: 400,
  internal: 500,
  unavailable: 503,
};

const RENDERERS = [
  ["plain", renderPlainFault],
  ["CPR", renderCprFault],
  ["portal", renderPortalFault],
  ["UPI", renderUpiFault],
  ["UPI Customer API", renderCustomerApiFault],
  ["OAuth", renderOAuthFault],
  ["admin", renderAdminFault],
] as const;

const cases = RENDERERS.flatMap(([family, render]) =>
  (Object.keys(FAULT_STATUS) as Fault[]).map((fault) => [family, fault, render] as const),
);

describe("fault renderers", () => {
  it.each(cases)("%s renders %s with its status and Retry-After only on 503", (_, fault, render) => {
    const wire = render(fault);
    expect(wire.status).toBe(FAULT_STATUS[fault]);
    expect(wire.headers?.["Retry-After"]).toBe(fault === "unavailable" ? "1" : undefined);
    const text = JSON.stringify(wire.body);
    expect(text).not.toMatch(/stack|Error:|\bat \w/);
  });

  it.each([
    ["internal", 500],
    ["unavailable", 503],
  ] as const)("gives each family its own documented envelope for %s", (fault, status) => {
    expect(renderPlainFault(fault).body).toEqual({
      error: fault === "internal" ? "internal_error" : "temporarily_unavailable",
    });
    expect(renderCprFault(fault).body).toEqual({
      statusCode: status,
      status: "failure",
      error: expect.any(String),
      errorCode: fault === "internal" ? "internal_server_error" : expect.any(String),
    });
    expect(renderPortalFault(fault).body).toEqual({ error: expect.any(String) });
    expect(renderUpiFault(fault).body).toEqual({
      requestId: "",
      service: "in.juspay.hyperapi",
      payload: { status: "FAILURE" },
      error: true,
      errorMessage: expect.any(String),
      errorCode: fault === "internal" ? "INTERNAL_ERROR" : expect.any(String),
      event: "process_result",
    });
    expect(renderCustomerApiFault(fault).body).toEqual({
      status: "error",
      error_code: expect.any(String),
      error_message: expect.any(String),
      error_info: expect.objectContaining({ category: "SERVER_ERROR" }),
    });
    expect(renderOAuthFault(fault).body).toEqual({
      error: fault === "internal" ? "server_error" : "temporarily_unavailable",
      error_description: expect.any(String),
    });
    expect(renderAdminFault(fault).body).toEqual({
      error: { code: expect.any(String), message: expect.any(String) },
    });
  });

  it("writes a wire error as JSON with its status and headers", async () => {
    const response = errorResponse(renderAdminFault("unavailable"));
    expect(response.status).toBe(503);
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("Retry-After")).toBe("1");
    expect(await response.json()).toEqual(renderAdminFault("unavailable").body);
  });
});

describe("isOverloaded", () => {
  it.each([
    [
      "an Error marked overloaded",
      Object.assign(new Error("Durable Object is overloaded"), { overloaded: true }),
    ],
    ["a plain object marked overloaded", { overloaded: true }],
  ])("is true for %s", (_, error) => {
    expect(isOverloaded(error)).toBe(true);
  });

  it.each([
    ["a plain Error", new Error("overloaded")],
    ["overloaded: false", Object.assign(new Error("x"), { overloaded: false })],
    ["overloaded as a string", Object.assign(new Error("x"), { overloaded: "true" })],
    ["overloaded as 1", { overloaded: 1 }],
    ["a retryable error", Object.assign(new Error("x"), { retryable: true })],
    ["null", null],
    ["undefined", undefined],
    ["a string", "overloaded"],
  ])("is false for %s", (_, error) => {
    expect(isOverloaded(error)).toBe(false);
  });
});

describe("faultRendererFor", () => {
  it.each([
    ["/v2/auth/token", renderCprFault],
    ["/v2/", renderCprFault],
    ["/api_auth", renderPortalFault],
    ["/api_auth/session", renderPortalFault],
    ["/hyperapi/process", renderUpiFault],
    ["/customers", renderCustomerApiFault],
    ["/customers/c-1", renderCustomerApiFault],
    ["/oauth/introspect", renderOAuthFault],
    ["/admin/v1/apps", renderAdminFault],
    ["/admin/", renderAdminFault],
    ["/v2", renderPlainFault],
    ["/v20/x", renderPlainFault],
    ["/api_authx", renderPlainFault],
    ["/customersx", renderPlainFault],
    ["/hyperapi", renderPlainFault],
    ["/oauth", renderPlainFault],
    ["/admin", renderPlainFault],
    ["/healthz", renderPlainFault],
    ["/", renderPlainFault],
  ])("routes faults on %s to the owning family", (path, render) => {
    expect(faultRendererFor(path)).toBe(render);
  });
});
