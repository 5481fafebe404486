import type { AppContext } from "../shared/env";
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

/** A page of the id's log, and the tenant's `ETag` when it exists. */
async function eventsOf(
  c: AppContext,
  kind: TenantKind,
  id: string,
  { limit, before }: z.output<typeof schemas.eventsQuerySchema>,
): Promise<[z.output<typeof schemas.eventPageSchema>, Record<string, string>]> {
  const log = tenantObject(c.env, kind, id);
  const page = (await log.events(limit ?? DEFAULT_EVENTS_LIMIT, before)) as ReturnType<Tenant["events"]>;
  return [{ events: page.events, next: page.next }, page.etag ? etagHeader(page.etag) : {}];
}

route("listAppEvents", async (c, reply) =>
  reply(...(await eventsOf(c, "app", c.req.valid("param").appId, c.req.valid("query")))),
);
route("listMerchantEvents", async (c, reply) =>
  reply(...(await eventsOf(c, "merchant", c.req.valid("param").merchantId, c.req.valid("query")))),
);
route("listOrgEvents", async (c, reply) =>
  reply(...(await eventsOf(c, "org", String(c.req.valid("param").id), c.req.valid("query")))),
);
route("listPortalUserEvents", async (c, reply) =>
  reply(...(await eventsOf(c, "portal-user", c.req.valid("param").email, c.req.valid("query")))),
);

export { eventsAdmin };
