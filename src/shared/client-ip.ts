import { type IpAddress, parseIpAddress } from "./ip-allowlist";

/**
 * The client's address from `CF-Connecting-IP`, the only header Cloudflare guarantees to set itself
 * (docs/http.md#client-ip). `X-Forwarded-For` and friends are client-controlled and never read. `undefined`
 * means "unknown IP", which no allowlist entry matches.
 */
export function clientIp(headers: Headers): IpAddress | undefined {
  const raw = headers.get("CF-Connecting-IP");
  return raw === null ? undefined : parseIpAddress(raw);
}
