import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundedCache, remembered } from "../../src/shared/bounded-cache";
import { fromBase64, fromHex, toBase64, toBase64Url, toHex } from "../../src/shared/encoding";
import { bodyTooLarge, renderPlainFault } from "../../src/shared/fault";
import { readBody } from "../../src/shared/request-body";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("shared/encoding", () => {
  it("round-trips any bytes through hex, base64 and base64url", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        expect(fromHex(toHex(data))).toEqual(data);
        expect(fromBase64(toBase64(data))).toEqual(data);
        expect(fromBase64(toBase64Url(data))).toEqual(data);
      }),
    );
  });

  it("writes base64 padded in the standard alphabet and base64url unpadded in the URL-safe one", () => {
    expect(toBase64(bytes(0xfb, 0xff))).toBe("+/8=");
    expect(toBase64Url(bytes(0xfb, 0xff))).toBe("-_8");
    expect(toHex(bytes(0, 15, 255))).toBe("000fff");
  });

  it.each([
    ["standard, padded", "+/8=", bytes(0xfb, 0xff)],
    ["URL-safe, unpadded", "-_8", bytes(0xfb, 0xff)],
    ["empty", "", bytes()],
  ])("decodes base64 %s", (_, text, expected) => {
    expect(fromBase64(text)).toEqual(expected);
  });

  it.each([["ab="], ["a"], ["===="], ["ab c"], ["ab\n"], ["a$b="], ["=="]])(
    "refuses %j as base64",
    (text) => {
      expect(fromBase64(text)).toBeUndefined();
    },
  );

  it.each([["abc"], ["0g"], ["zz"], [" 00"]])("refuses %j as hex", (text) => {
    expect(fromHex(text)).toBeUndefined();
  });
});

describe("shared/bounded-cache", () => {
  it("drops the oldest entry when a new key arrives at a full cache, never on a replaced key", () => {
    const cache = new BoundedCache<number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("a", 3);
    expect([cache.get("a"), cache.get("b")]).toEqual([3, 2]);
    cache.set("c", 4);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 4]);
  });

  it("shares one load per key and forgets a load that failed", async () => {
    const cache = new BoundedCache<Promise<string>>(4);
    let loads = 0;
    const failing = () => {
      loads++;
      return Promise.reject(new Error("no"));
    };
    const first = remembered(cache, "k", failing);
    expect(remembered(cache, "k", failing)).toBe(first);
    await expect(first).rejects.toThrow("no");
    expect(cache.get("k")).toBeUndefined();
    expect(await remembered(cache, "k", async () => `load ${++loads}`)).toBe("load 2");
    expect(await remembered(cache, "k", async () => "not called")).toBe("load 2");
  });
});

describe("shared/fault: the 413 text names the cap in force", () => {
  it.each([
    [65_536, "Request body exceeds 64 KiB"],
    [1024, "Request body exceeds 1 KiB"],
    [1000, "Request body exceeds 1000 bytes"],
  ])("%d bytes: %s", (maxBodyBytes, text) => {
    expect(bodyTooLarge({ maxBodyBytes })).toBe(text);
  });

  it("renders the plain 413 without the cap", () => {
    expect(renderPlainFault("payload_too_large", 1024).body).toEqual({ error: "payload_too_large" });
  });
});

describe("shared/request-body", () => {
  const request = (contentType: string, body: string) =>
    new Request("https://authedge.test/", { method: "POST", headers: { "Content-Type": contentType }, body });

  it.each([
    ["application/json", '{"a":1}', { kind: "json", text: '{"a":1}', value: { a: 1 } }],
    ["Application/JSON; charset=utf-8", "[1]", { kind: "json", text: "[1]", value: [1] }],
    ["application/vnd.api+json", '{"a":1}', { kind: "none" }],
    ["text/plain", '{"a":1}', { kind: "none" }],
  ])("reads %s as %j", async (type, body, expected) => {
    expect(await readBody(request(type, body))).toEqual({ ok: true, value: expected });
  });

  it("reads a form, keeping repeated fields", async () => {
    const read = await readBody(request("application/x-www-form-urlencoded;charset=UTF-8", "a=1&a=2&b=%20"));
    expect(read.ok && read.value.kind === "form" && [...read.value.fields]).toEqual([
      ["a", "1"],
      ["a", "2"],
      ["b", " "],
    ]);
  });

  it("answers malformed_json for JSON that does not parse", async () => {
    expect(await readBody(request("application/json", "{"))).toEqual({ ok: false, reason: "malformed_json" });
  });
});
