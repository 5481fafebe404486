import { type TenantKind, tenantObject } from "../shared/tenants";
import type * as z from "../shared/zod";
import { eventsContract } from "./contract";
import type * as schemas from "./events-schema";
import type { Tenant } from "./tenant";
import { DEFAULT_EVENTS_LIMIT } from "./tenant-events";
import { adminContractRoutes } from "./validate";
import { etagHeader } from "./versions";

// `GET /admin/v1/{apps|merchants|orgs|users}/{id}/events` (docs/admin.md#event-log): the log belongs to the
// id and outlives its incarnations, so it answers, possibly empty, whether or not the tenant exists now.
const { app: eventsAdmin, route } = adminContractRoutes(eventsContract, () => import("./events-schema"));

type Log = keyof typeof eventsContract;
type ParamOf<Route extends Log> = (typeof eventsContract)[Route] extends {
  request: { param: infer Schema extends keyof typeof schemas };
}
  ? z.output<(typeof schemas)[Schema]>
  : never;

/** Each log's route: its tenant's kind and the parameter that names it (checked against its schema). */
const LOGS = {
  listAppEvents: ["app", "appId"],
  listMerchantEvents: ["merchant", "merchantId"],
  listOrgEvents: ["org", "id"],
  listPortalUserEvents: ["portal-user", "email"],
} as const satisfies { [Route in Log]: readonly [TenantKind, keyof ParamOf<Route>] };

for (const [operationId, [kind, param]] of Object.entries(LOGS)) {
  route(operationId as Log, async (c, reply) => {
    const { limit, before } = c.req.valid("query");
    const id = String((c.req.valid("param") as Record<string, string | number>)[param]);
    const log = tenantObject(c.env, kind, id);
    const page = (await log.events(limit ?? DEFAULT_EVENTS_LIMIT, before)) as ReturnType<Tenant["events"]>;
    return reply({ events: page.events, next: page.next }, page.etag ? etagHeader(page.etag) : {});
  });
}

export { eventsAdmin };
