// The one owner of hex, base64 and base64url (RFC 4648); decoders answer `undefined` rather than throw.

// Uint8Array's TC39 hex and base64 methods: native in workerd (hot paths encode on every request), absent
// from Node 22, where the loops below stand in.
interface NativeEncoders {
  toHex(): string;
  toBase64(options?: { alphabet?: "base64" | "base64url"; omitPadding?: boolean }): string;
}
const native = (view: Uint8Array): (Uint8Array & NativeEncoders) | undefined =>
  typeof (view as Partial<NativeEncoders>).toHex === "function"
    ? (view as Uint8Array & NativeEncoders)
    : undefined;

/** Lowercase hex of the bytes. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const encoders = native(view);
  if (encoders) return encoders.toHex();
  let out = "";
  for (const byte of view) out += byte.toString(16).padStart(2, "0");
  return out;
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
export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return native(view)?.toBase64() ?? btoa(binaryOf(view));
}

/** base64url without padding (RFC 4648 §5). */
export function toBase64Url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const encoders = native(view);
  if (encoders) return encoders.toBase64({ alphabet: "base64url", omitPadding: true });
  return btoa(binaryOf(view)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
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
