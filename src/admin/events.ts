import { Hono } from "hono";
import type { AppEnv } from "../shared/env";
import { type TenantKind, tenantObject } from "../shared/tenants";
import type { SchemaLoader } from "../shared/validate";
import type * as z from "../shared/zod";
import { DEFAULT_EVENTS_LIMIT, type EventPage } from "./tenant-events";
import { adminParams, adminQuery } from "./validate";
import { etagHeader } from "./versions";

/**
 * `GET /admin/v1/{apps|merchants|orgs|users}/{id}/events` (docs/admin.md#event-log): the id's log, newest
 * first. The log belongs to the id, so it answers (possibly empty) whether or not the tenant exists now.
 */
function eventsOf<P extends z.ZodMiniObject>(
  kind: TenantKind,
  params: SchemaLoader<P>,
  idOf: (param: z.output<P>) => string,
) {
  const query = () => import("./events-schema").then((m) => m.eventsQuerySchema);
  return new Hono<AppEnv>().get("/events", adminParams(params), adminQuery(query), async (c) => {
    const { limit, before } = c.req.valid("query");
    const page = (await tenantObject(c.env, kind, idOf(c.req.valid("param") as z.output<P>)).events(
      limit ?? DEFAULT_EVENTS_LIMIT,
      before,
    )) as EventPage & { etag: string | null };
    const body: EventPage = { events: page.events, next: page.next };
    return c.json(body, 200, page.etag ? etagHeader(page.etag) : {});
  });
}

export const appEvents = eventsOf(
  "app",
  () => import("./schema").then((m) => m.appIdParamSchema),
  ({ appId }) => appId,
);
export const merchantEvents = eventsOf(
  "merchant",
  () => import("../upi/admin-schema").then((m) => m.merchantParamSchema),
  ({ merchantId }) => merchantId,
);
export const orgEvents = eventsOf(
  "org",
  () => import("../portal/admin-schema").then((m) => m.orgIdParamSchema),
  ({ id }) => String(id),
);
export const userEvents = eventsOf(
  "portal-user",
  () => import("../portal/admin-schema").then((m) => m.emailParamSchema),
  ({ email }) => email,
);
