import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileAllowlist,
  formatIpAddress,
  isAllowed,
  parseIpAddress,
  parseIpRange,
} from "../../src/shared/ip-allowlist";

/** The 16 bytes an address must parse to, written out by hand (IPv4 as `::ffff:a.b.c.d`). */
function v4Bytes(a: number, b: number, c: number, d: number): number[] {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d];
}

function bytesOf(text: string): number[] | undefined {
  const address = parseIpAddress(text);
  return address ? Array.from(address) : undefined;
}

function allows(entries: string[], client: string): boolean {
  return isAllowed(compileAllowlist(entries), parseIpAddress(client));
}

const v4Octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
const v4Int = fc.nat({ max: 0xffffffff });

function v4Text(value: number): string {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join(".");
}

describe("parseIpAddress", () => {
  it.each([
    ["0.0.0.0", v4Bytes(0, 0, 0, 0)],
    ["203.0.113.5", v4Bytes(203, 0, 113, 5)],
    ["255.255.255.255", v4Bytes(255, 255, 255, 255)],
    ["10.0.0.1", v4Bytes(10, 0, 0, 1)],
    ["::ffff:203.0.113.5", v4Bytes(203, 0, 113, 5)],
    ["::FFFF:cb00:7105", v4Bytes(203, 0, 113, 5)],
    ["0:0:0:0:0:ffff:203.0.113.5", v4Bytes(203, 0, 113, 5)],
    ["::", new Array(16).fill(0)],
    ["::1", [...new Array(15).fill(0), 1]],
    ["2001:db8::1", [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]],
    ["2001:DB8:0:0:0:0:0:1", [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]],
    ["1:2:3:4:5:6:7::", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]],
    ["::2:3:4:5:6:7:8", [0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ["1:2:3:4:5:6:1.2.3.4", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]],
    ["::1.2.3.4", [...new Array(12).fill(0), 1, 2, 3, 4]],
    ["fe80::1", [0xfe, 0x80, ...new Array(13).fill(0), 1]],
  ])("parses the canonical address %s", (text, expected) => {
    expect(bytesOf(text)).toEqual(expected);
  });

  it.each([
    ["", "empty"],
    ["010.0.0.1", "octal-looking leading zero"],
    ["10.0.0.01", "leading zero in the last octet"],
    ["00.0.0.0", "double zero"],
    ["0x0a.0.0.1", "hex octet"],
    ["1.2.3", "three octets"],
    ["1.2.3.4.5", "five octets"],
    ["256.1.1.1", "octet over 255"],
    ["1.2.3.-4", "negative octet"],
    ["1.2.3.+4", "signed octet"],
    [" 1.2.3.4", "leading space"],
    ["1.2.3.4 ", "trailing space"],
    ["1.2.3.4\n", "trailing newline"],
    ["1.2.3.4/32", "a range is not an address"],
    ["1.2..4", "empty octet"],
    ["１.2.3.4", "fullwidth digit"],
    ["167772161", "integer form"],
    ["fe80::1%eth0", "zone id"],
    ["fe80::1%25eth0", "URL-encoded zone id"],
    [":::1", "triple colon"],
    ["1::2::3", "two double colons"],
    ["1:2:3:4:5:6:7:8:9", "nine groups"],
    ["1:2:3:4:5:6:7", "seven groups without ::"],
    ["1::2:3:4:5:6:7:8", ":: standing for no group"],
    [":1:2:3:4:5:6:7", "leading single colon"],
    ["1:2:3:4:5:6:7:", "trailing single colon"],
    ["12345::1", "five hex digits"],
    ["g::1", "non-hex group"],
    ["::ffff:1.2.3", "short trailing dotted quad"],
    ["::ffff:01.2.3.4", "leading zero in the trailing dotted quad"],
    ["::ffff:256.2.3.4", "out-of-range trailing dotted quad"],
    ["1.2.3.4::", "dotted quad before ::"],
    ["1:2:3:4:5:1.2.3.4:6", "dotted quad in the middle"],
    ["1:2:3:4:5:6:7:1.2.3.4", "dotted quad after seven groups"],
    ["[::1]", "bracketed"],
    ["::1 ", "trailing space after IPv6"],
  ])("refuses %j (%s)", (text) => {
    expect(parseIpAddress(text)).toBeUndefined();
  });

  it("treats an IPv4-mapped IPv6 address as the same address as its IPv4 form", () => {
    expect(bytesOf("::ffff:203.0.113.5")).toEqual(bytesOf("203.0.113.5"));
  });

  it("never throws, whatever the text", () => {
    const ipAlphabet = fc.constantFrom(..."0123456789abcdefABCDEFx:.%/ []-+");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: ipAlphabet, maxLength: 60 })), (text) => {
        const parsed = parseIpAddress(text);
        expect(parsed === undefined || parsed.length === 16).toBe(true);
      }),
    );
  });

  it("parses every address fast-check renders as IPv4 or IPv6", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        expect(parseIpAddress(text)).toHaveLength(16);
      }),
    );
  });

  it("never parses an IPv4 address with a leading zero in any octet", () => {
    fc.assert(
      fc.property(v4Octets, fc.nat(3), fc.integer({ min: 1, max: 2 }), (octets, index, zeros) => {
        const parts = octets.map(String);
        parts[index] = "0".repeat(zeros) + parts[index];
        expect(parseIpAddress(parts.join("."))).toBeUndefined();
      }),
    );
  });

  it("never parses the non-canonical renderings fast-check knows for IPv4 (hex, octal, short forms)", () => {
    fc.assert(
      fc.property(fc.ipV4Extended(), (text) => {
        const canonical = /^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}$/.test(text);
        fc.pre(!canonical);
        expect(parseIpAddress(text)).toBeUndefined();
      }),
    );
  });

  it("round-trips canonical IPv4 through formatIpAddress", () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(formatIpAddress(parseIpAddress(text)!)).toBe(text);
      }),
    );
  });

  it("formats an IPv4-mapped address as its dotted quad and other IPv6 as hex groups", () => {
    expect(formatIpAddress(parseIpAddress("::ffff:203.0.113.5")!)).toBe("203.0.113.5");
    expect(formatIpAddress(parseIpAddress("2001:db8::1")!)).toBe("2001:db8:0:0:0:0:0:1");
  });
});

describe("parseIpRange", () => {
  it.each([
    ["10.0.0.0/8", v4Bytes(10, 0, 0, 0), 104],
    ["0.0.0.0/0", v4Bytes(0, 0, 0, 0), 96],
    ["203.0.113.5/32", v4Bytes(203, 0, 113, 5), 128],
    ["203.0.113.5", v4Bytes(203, 0, 113, 5), 128],
    ["::/0", new Array(16).fill(0), 0],
    ["2001:db8::/32", [0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)], 32],
    ["2001:db8::1/128", [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1], 128],
    ["::ffff:10.0.0.0/104", v4Bytes(10, 0, 0, 0), 104],
  ])("parses %s", (text, network, prefix) => {
    const range = parseIpRange(text);
    expect(typeof range).toBe("object");
    if (typeof range === "string") return;
    expect({ network: Array.from(range.network), prefix: range.prefix }).toEqual({ network, prefix });
  });

  it.each([
    ["10.0.0.0/08", "not an IP address or CIDR range"],
    ["10.0.0.0/33", "not an IP address or CIDR range"],
    ["10.0.0.0/-1", "not an IP address or CIDR range"],
    ["10.0.0.0/", "not an IP address or CIDR range"],
    ["10.0.0.0/8/8", "not an IP address or CIDR range"],
    ["10.0.0.0/ 8", "not an IP address or CIDR range"],
    ["10.0.0.0/0x8", "not an IP address or CIDR range"],
    ["::/129", "not an IP address or CIDR range"],
    ["::/0128", "not an IP address or CIDR range"],
    ["010.0.0.0/8", "not an IP address or CIDR range"],
    ["fe80::%eth0/64", "not an IP address or CIDR range"],
    ["/8", "not an IP address or CIDR range"],
    ["", "not an IP address or CIDR range"],
    ["10.0.0.5/24", "CIDR range has host bits set"],
    ["11.0.0.0/7", "CIDR range has host bits set"],
    ["10.0.0.0/4", "CIDR range has host bits set"],
    ["0.0.0.1/0", "CIDR range has host bits set"],
    ["2001:db8::1/64", "CIDR range has host bits set"],
    ["::1/0", "CIDR range has host bits set"],
    ["::ffff:0.0.0.0/0", "CIDR range has host bits set"],
  ])("refuses %j: %s", (text, error) => {
    expect(parseIpRange(text)).toBe(error);
  });

  it("never throws, whatever the text", () => {
    const rangeAlphabet = fc.constantFrom(..."0123456789abcdef:./%");
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: rangeAlphabet, maxLength: 50 })), (text) => {
        const range = parseIpRange(text);
        expect(typeof range === "string" || range.prefix <= 128).toBe(true);
      }),
    );
  });
});

describe("isAllowed", () => {
  it.each([
    [["203.0.113.0/24"], "203.0.113.0", true],
    [["203.0.113.0/24"], "203.0.113.255", true],
    [["203.0.113.0/24"], "203.0.114.0", false],
    [["203.0.113.0/24"], "203.0.112.255", false],
    [["203.0.113.5"], "203.0.113.5", true],
    [["203.0.113.5"], "203.0.113.6", false],
    [["203.0.113.5/32"], "203.0.113.4", false],
    [["203.0.113.5"], "::ffff:203.0.113.5", true],
    [["::ffff:203.0.113.5"], "203.0.113.5", true],
    [["::ffff:203.0.113.0/120"], "203.0.113.77", true],
    [["203.0.113.0/24"], "::ffff:203.0.113.77", true],
    [["203.0.113.5"], "::203.0.113.5", false],
    [["0.0.0.0/0"], "255.255.255.255", true],
    [["0.0.0.0/0"], "::ffff:1.2.3.4", true],
    [["0.0.0.0/0"], "2001:db8::1", false],
    [["0.0.0.0/0"], "::1", false],
    [["::/0"], "2001:db8::1", true],
    [["::/0"], "1.2.3.4", true],
    [["2001:db8::/32"], "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", true],
    [["2001:db8::/32"], "2001:db9::", false],
    [["2001:db8::1/128"], "2001:db8::1", true],
    [["2001:db8::1/128"], "2001:db8::2", false],
    [["2001:db8::/33"], "2001:db8:8000::", false],
    [["2001:db8::/33"], "2001:db8:7fff::", true],
    [["10.0.0.0/8", "2001:db8::1"], "2001:db8::1", true],
    [["10.0.0.0/8", "2001:db8::1"], "11.0.0.0", false],
    [[], "203.0.113.5", false],
    [[], "::1", false],
  ])("allowlist %j admits %s: %s", (entries, client, expected) => {
    expect(allows(entries, client)).toBe(expected);
  });

  it.each([[["0.0.0.0/0"]], [["::/0"]], [["0.0.0.0/0", "::/0"]], [[]]])(
    "admits no unknown client, not even with %j",
    (entries) => {
      expect(isAllowed(compileAllowlist(entries), undefined)).toBe(false);
    },
  );

  it("drops stored entries that no longer parse instead of widening the list", () => {
    const list = compileAllowlist(["10.0.0.5/24", "not-an-ip", "203.0.113.5"]);
    expect(list).toHaveLength(1);
    expect(isAllowed(list, parseIpAddress("10.0.0.5"))).toBe(false);
    expect(isAllowed(list, parseIpAddress("203.0.113.5"))).toBe(true);
  });

  it("matches a /32 entry for exactly its own address", () => {
    fc.assert(
      fc.property(v4Int, v4Int, (entry, client) => {
        expect(allows([`${v4Text(entry)}/32`], v4Text(client))).toBe(entry === client);
      }),
    );
  });

  it("matches a /128 entry for exactly its own address", () => {
    const group = fc.nat(0xffff).map((n) => n.toString(16));
    const v6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.join(":"));
    fc.assert(
      fc.property(v6, v6, (entry, client) => {
        expect(allows([`${entry}/128`], client)).toBe(bytesOf(entry)!.join() === bytesOf(client)!.join());
        expect(allows([`${entry}/128`], entry)).toBe(true);
      }),
    );
  });

  it("agrees with integer arithmetic on every IPv4 prefix", () => {
    fc.assert(
      fc.property(v4Int, fc.nat(32), v4Int, (seed, prefix, client) => {
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const network = (seed & mask) >>> 0;
        const inside = (client & mask) >>> 0 === network;
        expect(allows([`${v4Text(network)}/${prefix}`], v4Text(client))).toBe(inside);
      }),
    );
  });
});
