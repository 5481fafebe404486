import { describe, expect, it } from "vitest";
import { clientIp } from "../../src/shared/client-ip";
import { compileAllowlist, formatIpAddress, isAllowed } from "../../src/shared/ip-allowlist";

// Headers a client can set freely; docs/http.md#client-ip says none of them is ever read.
const SPOOFABLE = {
  "X-Forwarded-For": "203.0.113.5",
  "X-Real-IP": "203.0.113.5",
  "True-Client-IP": "203.0.113.5",
  Forwarded: "for=203.0.113.5",
};

function ipOf(headers: Record<string, string>): string | undefined {
  const address = clientIp(new Headers(headers));
  return address ? formatIpAddress(address) : undefined;
}

describe("clientIp", () => {
  it.each([
    ["203.0.113.5", "203.0.113.5"],
    ["::ffff:203.0.113.5", "203.0.113.5"],
    ["2001:db8::1", "2001:db8:0:0:0:0:0:1"],
    ["::1", "0:0:0:0:0:0:0:1"],
  ])("reads CF-Connecting-IP %s", (header, expected) => {
    expect(ipOf({ "CF-Connecting-IP": header })).toBe(expected);
  });

  it("ignores every forwarding header when CF-Connecting-IP is present", () => {
    expect(ipOf({ ...SPOOFABLE, "CF-Connecting-IP": "198.51.100.7" })).toBe("198.51.100.7");
  });

  it.each(Object.entries(SPOOFABLE))(
    "never falls back to %s when CF-Connecting-IP is missing",
    (name, value) => {
      expect(ipOf({ [name]: value })).toBeUndefined();
    },
  );

  it("never falls back to the forwarding headers when CF-Connecting-IP is unparsable", () => {
    expect(ipOf({ ...SPOOFABLE, "CF-Connecting-IP": "010.0.0.1" })).toBeUndefined();
  });

  it.each([
    ["", "empty"],
    ["unknown", "a word"],
    ["203.0.113.5, 198.51.100.7", "a list"],
    ["fe80::1%eth0", "a zone id"],
    ["203.0.113.5:443", "an address with a port"],
    ["[2001:db8::1]", "a bracketed address"],
  ])("treats CF-Connecting-IP %j (%s) as an unknown IP", (header) => {
    expect(ipOf({ "CF-Connecting-IP": header })).toBeUndefined();
  });

  it("gives an unknown IP that even 0.0.0.0/0 and ::/0 refuse", () => {
    const anyone = compileAllowlist(["0.0.0.0/0", "::/0"]);
    expect(isAllowed(anyone, clientIp(new Headers({ ...SPOOFABLE })))).toBe(false);
    expect(isAllowed(anyone, clientIp(new Headers({ "CF-Connecting-IP": "203.0.113.5" })))).toBe(true);
  });
});
