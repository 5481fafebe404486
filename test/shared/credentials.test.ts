import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  basicCredentials,
  bearerToken,
  optimusApiKey,
  parseAuthorization,
} from "../../src/shared/credentials";

const basic = (userPass: string) => `Basic ${btoa(userPass)}`;
const reading = (username: string, password: string) => ({ username, password });

describe("the Authorization parser (docs/http.md#credentials)", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer abc", "abc"],
    ["BEARER abc", "abc"],
    ["  Bearer   abc  ", "abc"],
    ["Bearer\tabc", "abc"],
  ])("reads the bearer token of %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["the scheme alone", "Bearer"],
    ["the scheme and a space", "Bearer "],
    ["no space after the scheme", "Bearerabc"],
    ["two tokens", "Bearer abc def"],
    ["another scheme", "Basic abc"],
    ["a scheme that only starts like Bearer", "Bearerx abc"],
  ])("reads no bearer token from %s", (_label, header) => {
    expect(bearerToken(header)).toBeUndefined();
  });

  it("lowercases the scheme and keeps the credentials as sent", () => {
    expect(parseAuthorization("DPoP AbC.dEf")).toEqual({ scheme: "dpop", credentials: "AbC.dEf" });
  });
});

describe("HTTP Basic per RFC 6749 §2.3.1, and raw (docs/http.md#credentials)", () => {
  it("decodes form-urlencoded parts first and keeps the raw reading second", () => {
    expect(basicCredentials(basic("acme%2Dapp:k%5Fey%2Bx+y"))).toEqual([
      reading("acme-app", "k_ey+x y"),
      reading("acme%2Dapp", "k%5Fey%2Bx+y"),
    ]);
  });

  it("reads a `:` encoded inside the username as part of it", () => {
    expect(basicCredentials(basic("a%3Ab:secret"))).toEqual([
      reading("a:b", "secret"),
      reading("a%3Ab", "secret"),
    ]);
  });

  it("splits a raw username at its first colon (RFC 7617 §2)", () => {
    expect(basicCredentials(basic("a:b:secret"))).toEqual([
      reading("a", "b:secret"),
      reading("a", "b:secret"),
    ]);
  });

  it.each([
    ["%zz in the username", "acme%zz:secret", reading("acme%zz", "secret")],
    ["a lone % in the password", "acme:sec%", reading("acme", "sec%")],
    ["an encoded byte that is not UTF-8", "acme:%ff", reading("acme", "%ff")],
  ])("falls back to the raw reading for %s (both entries raw, same work)", (_label, userPass, raw) => {
    expect(basicCredentials(basic(userPass))).toEqual([raw, raw]);
  });

  it("reads text without a colon as a username with an empty password (an API key alone)", () => {
    expect(basicCredentials(basic("key%2D1"))).toEqual([reading("key-1", ""), reading("key%2D1", "")]);
  });

  it("gives empty parts as empty strings, for the caller to refuse", () => {
    expect(basicCredentials(basic(":"))).toEqual([reading("", ""), reading("", "")]);
  });

  it.each([
    ["bAsIc", `bAsIc ${btoa("id:secret")}`],
    ["surrounding spaces", `  Basic  ${btoa("id:secret")} `],
  ])("accepts the scheme with %s", (_label, header) => {
    expect(basicCredentials(header)?.[0]).toEqual(reading("id", "secret"));
  });

  it("reads URL-safe base64 too (Authlib before 1.0)", () => {
    const standard = btoa("id?>:secret~~>");
    expect(standard).toMatch(/[+/]/);
    const urlSafe = standard.replaceAll("+", "-").replaceAll("/", "_");
    expect(basicCredentials(`Basic ${urlSafe}`)).toEqual(basicCredentials(`Basic ${standard}`));
  });

  it.each([
    ["not base64", "Basic %%%"],
    ["bytes that are not UTF-8", `Basic ${btoa("id:\xff")}`],
    ["another scheme", `Bearer ${btoa("id:secret")}`],
    ["nothing", undefined],
  ])("reads nothing from %s", (_label, header) => {
    expect(basicCredentials(header)).toBeUndefined();
  });

  it("never throws, and always yields two readings or none", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const readings = basicCredentials(`Basic ${btoa(unescape(encodeURIComponent(text)))}`);
        expect(readings === undefined || readings.length === 2).toBe(true);
      }),
    );
  });
});

describe("the X-Optimus-API-Key parser (docs/portal.md#session-check, issue 18 item 5)", () => {
  it.each([
    ["T0k", "T0k"],
    ["Bearer T0k", "T0k"],
    ["bearer T0k", "T0k"],
    ["BEARER T0k", "T0k"],
    ["Bearer  T0k", "T0k"],
    ["  T0k\t", "T0k"],
  ])("reads %j as the token", (header, token) => {
    expect(optimusApiKey(header)).toBe(token);
  });

  it.each([[undefined], [""], ["   "], ["Bearer a b"], ["a b"]])("reads no token from %j", (header) => {
    expect(optimusApiKey(header)).toBeUndefined();
  });
});
