import type { OrgRecord } from "../shared/config-records";
import { formatLocalIso } from "./local-time";

/** Token lifetime when the org sets none (docs/portal.md#tokens-and-refresh: one week). */
export const DEFAULT_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

/** The organization as seed 001 shows it; fields not modelled are `null` (docs/portal.md#login). */
export function organizationView(org: OrgRecord, timeZone: string) {
  return {
    id: org.id,
    name: org.name,
    uuid: org.uuid,
    description: org.description,
    created_by_id: null,
    updated_by_id: null,
    created_at: formatLocalIso(Date.parse(org.createdAt), timeZone),
    updated_at: formatLocalIso(Date.parse(org.updatedAt), timeZone),
    ancestry: null,
    payubiz_id: null,
    hide_name: org.hideName,
    url: org.url,
    product: org.product,
    header_mappings: null,
  };
}
