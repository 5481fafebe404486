import { clientIp } from "../shared/client-ip";
import { MERCHANTS, type MerchantRecord } from "../shared/config-records";
import type { ConfigStore } from "../shared/config-store";
import { allowlistOf, isAllowed } from "../shared/ip-allowlist";

/** Read through the isolate cache (docs/architecture.md#performance). */
export function findMerchant(config: ConfigStore, merchantId: string): Promise<MerchantRecord | undefined> {
  return config.get(MERCHANTS, merchantId);
}

/** BAD_ORIGIN (docs/upi.md#uniform-failures): without an allowlist, everyone. */
export function merchantAdmits(merchant: MerchantRecord, headers: Headers): boolean {
  return (
    merchant.ipAllowlist === undefined || isAllowed(allowlistOf(merchant.ipAllowlist), clientIp(headers))
  );
}
