import { type IpAddress, parseIpAddress } from "./ip-allowlist";

/**
 * `CF-Connecting-IP`, which Cloudflare sets itself (docs/http.md#client-ip); `X-Forwarded-For` and the like
 * are client-controlled and never read. `undefined` matches no allowlist entry.
 */
export function clientIp(headers: Headers): IpAddress | undefined {
  const raw = headers.get("CF-Connecting-IP");
  return raw === null ? undefined : parseIpAddress(raw);
}
