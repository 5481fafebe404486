// IPv4/IPv6 addresses and CIDR allowlists, canonical text only (docs/http.md#client-ip). Addresses are 16
// bytes, IPv4 as `::ffff:a.b.c.d`, so an IPv4-mapped client matches IPv4 entries and vice versa.
export type IpAddress = Uint8Array;

type IpRange = { readonly network: IpAddress; readonly prefix: number };

type IpAllowlist = readonly IpRange[];

const IPV4_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const IPV4 = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const V4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIpv4(text: string): number[] | undefined {
  return IPV4.test(text) ? text.split(".").map(Number) : undefined;
}

function parseGroups(part: string, allowTrailingV4: boolean): number[] | undefined {
  if (part === "") return [];
  const pieces = part.split(":");
  const bytes: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (allowTrailingV4 && i === pieces.length - 1 && piece.includes(".")) {
      const v4 = parseIpv4(piece);
      if (!v4) return undefined;
      bytes.push(...v4);
    } else {
      if (!HEX_GROUP.test(piece)) return undefined;
      const value = Number.parseInt(piece, 16);
      bytes.push(value >> 8, value & 0xff);
    }
  }
  return bytes;
}

// RFC 4291 §2.2: eight groups, at most one "::", an optional trailing dotted quad; no zone id.
function parseIpv6(text: string): number[] | undefined {
  if (text.length > 45 || text.includes("%")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  if (halves.length === 1) {
    const bytes = parseGroups(text, true);
    return bytes && bytes.length === 16 ? bytes : undefined;
  }
  const head = parseGroups(halves[0]!, false);
  const tail = parseGroups(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 14) return undefined;
  return [...head, ...new Array<number>(16 - head.length - tail.length).fill(0), ...tail];
}

/** Parses a canonical IPv4 or IPv6 address into 16 bytes; anything else gives `undefined`. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const v6 = parseIpv6(text);
    return v6 ? Uint8Array.from(v6) : undefined;
  }
  const v4 = parseIpv4(text);
  return v4 ? Uint8Array.from([...V4_MAPPED_PREFIX, ...v4]) : undefined;
}

function hostBitsClear(address: IpAddress, prefix: number): boolean {
  for (let bit = prefix; bit < 128; bit++) {
    if (address[bit >> 3]! & (0x80 >> (bit & 7))) return false;
  }
  return true;
}

/** Why an allowlist entry was refused, in words for the admin API's 400. */
type IpRangeError = "not an IP address or CIDR range" | "CIDR range has host bits set";

/** `address` or `address/prefix` (no leading zeros); host bits set (`10.0.0.5/24`) usually hide a typo. */
export function parseIpRange(text: string): IpRange | IpRangeError {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const network = parseIpAddress(addressText);
  const isV4 = !addressText.includes(":");
  const maxPrefix = isV4 ? 32 : 128;
  const prefixText = slash === -1 ? String(maxPrefix) : text.slice(slash + 1);
  if (!network || !/^(?:0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > maxPrefix) {
    return "not an IP address or CIDR range";
  }
  const prefix = Number(prefixText) + (isV4 ? 96 : 0);
  if (!hostBitsClear(network, prefix)) return "CIDR range has host bits set";
  return { network, prefix };
}

/** Compiles stored, already-validated entries; an entry that no longer parses is dropped (matches no one). */
export function compileAllowlist(entries: readonly string[]): IpAllowlist {
  return entries.map(parseIpRange).filter((range) => typeof range !== "string");
}

function inRange(address: IpAddress, range: IpRange): boolean {
  const fullBytes = range.prefix >> 3;
  for (let i = 0; i < fullBytes; i++) {
    if (address[i] !== range.network[i]) return false;
  }
  const remainder = range.prefix & 7;
  if (remainder === 0) return true;
  const mask = (0xff << (8 - remainder)) & 0xff;
  return (address[fullBytes]! & mask) === (range.network[fullBytes]! & mask);
}

/** True when the address is known and inside one of the ranges; an empty list admits no one. */
export function isAllowed(allowlist: IpAllowlist, address: IpAddress | undefined): boolean {
  return address !== undefined && allowlist.some((range) => inRange(address, range));
}

/** Renders an address for logs: dotted quad for IPv4 (mapped or not), hex groups for IPv6. */
export function formatIpAddress(address: IpAddress): string {
  if (V4_MAPPED_PREFIX.every((byte, i) => address[i] === byte)) {
    return Array.from(address.slice(12)).join(".");
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((address[i]! << 8) | address[i + 1]!).toString(16));
  return groups.join(":");
}

const compiled = new WeakMap<readonly string[], IpAllowlist>();

// Memoised on the entries array: records from the config store's isolate cache keep their identity, so a
// hot path compiles each allowlist once per cache period.
export function allowlistOf(entries: readonly string[]): IpAllowlist {
  let list = compiled.get(entries);
  if (!list) {
    list = compileAllowlist(entries);
    compiled.set(entries, list);
  }
  return list;
}
