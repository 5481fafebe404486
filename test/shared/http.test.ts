import { describe, expect, it } from "vitest";
import { call, json } from "../support/worker";

describe("common HTTP behaviour", () => {
  it("serves /healthz with a generated request id", async () => {
    const response = await call("/healthz");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
    expect(response.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["abc-123_x.y:z", "abc-123_x.y:z"],
    ["a".repeat(128), "a".repeat(128)],
  ])("echoes a well-formed incoming request id %#", async (incoming, echoed) => {
    const response = await call("/healthz", { headers: { "X-Request-Id": incoming } });
    expect(response.headers.get("X-Request-Id")).toBe(echoed);
  });

  it.each(["a".repeat(129), "has space", "semi;colon", "ünïcode"])(
    "replaces a malformed request id %#",
    async (incoming) => {
      const response = await call("/healthz", {
        headers: { "X-Request-Id": encodeURIComponent(incoming) === incoming ? incoming : "bad id" },
      });
      const echoed = response.headers.get("X-Request-Id");
      expect(echoed).not.toBe(incoming);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it("answers an unknown path outside any family with the plain 404", async () => {
    const response = await call("/nope");
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: "not_found" });
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("answers a known path with a wrong method with 405 and Allow", async () => {
    const response = await call("/healthz", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
    expect(await json(response)).toEqual({ error: "method_not_allowed" });
  });

  it("uses the admin envelope for unknown admin paths", async () => {
    const response = await call("/admin/v1/nothing-here", { headers: { Authorization: "Bearer wrong" } });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({
      error: { code: "unauthorized", message: "A valid admin bearer token is required" },
    });
  });

  it("refuses a body over 64 KiB with 413 before parsing, in the family's envelope", async () => {
    const response = await call("/admin/v1/apps", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: `{"pad":"${"x".repeat(65 * 1024)}"}`,
    });
    expect(response.status).toBe(413);
    expect(await json(response)).toEqual({
      error: { code: "payload_too_large", message: "Request body exceeds 64 KiB" },
    });
  });
});
