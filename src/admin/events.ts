import { tenantObject } from "../shared/tenants";
import { eventsContract } from "./contract";
import type { Tenant } from "./tenant";
import { DEFAULT_EVENTS_LIMIT } from "./tenant-events";
import { adminContractRoutes } from "./validate";
import { etagHeader } from "./versions";

// `GET /admin/v1/{apps|merchants|orgs|users}/{id}/events` (docs/admin.md#event-log): the log belongs to the
// id and outlives its incarnations, so it answers, possibly empty, whether or not the tenant exists now.
const { app: eventsAdmin, route } = adminContractRoutes(eventsContract, () => import("./events-schema"));

/** Each log's route: its tenant's kind and the parameter that names it. */
const LOGS = {
  listAppEvents: ["app", "appId"],
  listMerchantEvents: ["merchant", "merchantId"],
  listOrgEvents: ["org", "id"],
  listPortalUserEvents: ["portal-user", "email"],
} as const;

for (const [operationId, [kind, param]] of Object.entries(LOGS)) {
  route(operationId as keyof typeof LOGS, async (c, reply) => {
    const { limit, before } = c.req.valid("query");
    const id = String((c.req.valid("param") as Record<string, string | number>)[param]);
    const log = tenantObject(c.env, kind, id);
    const page = (await log.events(limit ?? DEFAULT_EVENTS_LIMIT, before)) as ReturnType<Tenant["events"]>;
    return reply({ events: page.events, next: page.next }, page.etag ? etagHeader(page.etag) : {});
  });
}

export { eventsAdmin };
