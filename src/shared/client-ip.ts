import { type IpAddress, parseIpAddress } from "./ip-allowlist";

/** `CF-Connecting-IP`, which Cloudflare sets itself (docs/http.md#client-ip); `undefined` matches no one. */
export function clientIp(headers: Headers): IpAddress | undefined {
  const raw = headers.get("CF-Connecting-IP");
  return raw === null ? undefined : parseIpAddress(raw);
}
