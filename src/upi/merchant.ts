import { clientIp } from "../shared/client-ip";
import { MERCHANTS, type MerchantRecord } from "../shared/config-records";
import type { ConfigStore } from "../shared/config-store";
import { allowlistOf, isAllowed } from "../shared/ip-allowlist";

/**
 * A merchant, read through the isolate cache (docs/architecture.md#performance); `undefined` when unknown.
 */
export function findMerchant(config: ConfigStore, merchantId: string): Promise<MerchantRecord | undefined> {
  return config.get(MERCHANTS, merchantId);
}

/**
 * docs/upi.md#uniform-failures BAD_ORIGIN: a merchant without an
 * allowlist admits everyone; with one, only the addresses in it.
 */
export function merchantAdmits(merchant: MerchantRecord, headers: Headers): boolean {
  return (
    merchant.ipAllowlist === undefined || isAllowed(allowlistOf(merchant.ipAllowlist), clientIp(headers))
  );
}
