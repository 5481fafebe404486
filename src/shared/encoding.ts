// The one owner of hex, base64 and base64url (RFC 4648); decoders answer `undefined` rather than throw.

// Uint8Array's TC39 hex and base64 methods: native in workerd (hot paths encode on every request), absent
// from Node 22, where the loops below stand in.
interface NativeEncoders {
  toHex(): string;
  toBase64(options?: { alphabet?: "base64" | "base64url"; omitPadding?: boolean }): string;
}
type Bytes = ArrayBuffer | Uint8Array;
const viewOf = (bytes: Bytes): Uint8Array & Partial<NativeEncoders> =>
  bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);

/** Lowercase hex of the bytes. */
export function toHex(bytes: Bytes): string {
  const view = viewOf(bytes);
  return view.toHex?.() ?? Array.from(view, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The bytes of hex text (either case), or `undefined` for an odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function binaryOf(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Bytes): string {
  const view = viewOf(bytes);
  return view.toBase64?.() ?? btoa(binaryOf(view));
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: Bytes): string {
  const view = viewOf(bytes);
  return (
    view.toBase64?.({ alphabet: "base64url", omitPadding: true }) ??
    btoa(binaryOf(view)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")
  );
}

/** Standard or URL-safe base64 (RFC 4648 §4, §5), padding optional but, when present, complete. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  let binary: string;
  try {
    binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return undefined;
  }
  // A plain loop: `Uint8Array.from(binary, callback)` was ~5 % of a UPI signed request
  // (docs/architecture.md#performance).
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
