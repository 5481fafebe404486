import { Hono } from "hono";
import * as z from "zod";
import { orgIdParamSchema } from "../portal/admin";
import { emailParamSchema } from "../portal/admin-users";
import type { AppEnv } from "../shared/env";
import { type TenantKind, tenantObject } from "../shared/tenants";
import { merchantParamSchema } from "../upi/admin-schema";
import { appIdParamSchema } from "./schema";
import type { EventPage } from "./tenant-events";
import { adminParams, adminQuery } from "./validate";
import { etagHeader } from "./versions";

/** docs/admin.md#event-log: `limit` 1-100, default 50. */
const DEFAULT_EVENTS_LIMIT = 50;
const MAX_EVENTS_LIMIT = 100;

export const eventsQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^(100|[1-9][0-9]?)$/, `must be an integer from 1 to ${MAX_EVENTS_LIMIT}`)
    .transform(Number)
    .optional()
    .describe(`How many events (1-${MAX_EVENTS_LIMIT}, default ${DEFAULT_EVENTS_LIMIT}).`),
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, "must be a cursor from a previous page's next")
    .transform(Number)
    .optional()
    .describe("The `next` cursor of the previous page: events older than it."),
});

const tenantEventSchema = z.object({
  id: z.string(),
  at: z.string().describe("ISO-8601 UTC."),
  type: z.string().describe("snake_case: created, updated, key_rotated, deleted, ..."),
  requestId: z.string().describe("The X-Request-Id of the request that caused it."),
  changes: z
    .record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }))
    .optional()
    .describe('For updates: `{"<field>":{"from","to"}}`; secrets read "rotated", emails are masked.'),
});

export const eventPageSchema = z.object({
  events: z.array(tenantEventSchema),
  next: z.string().nullable().describe("Pass as `before` for older events; null on the last page."),
});

/**
 * `GET /admin/v1/{apps|merchants|orgs|users}/{id}/events` (docs/admin.md#event-log): the id's log, newest
 * first. The log belongs to the id, so it answers (possibly empty) whether or not the tenant exists now.
 */
function eventsOf<P extends z.ZodObject>(kind: TenantKind, params: P, idOf: (param: z.output<P>) => string) {
  return new Hono<AppEnv>().get("/events", adminParams(params), adminQuery(eventsQuerySchema), async (c) => {
    const { limit, before } = c.req.valid("query");
    const page = (await tenantObject(c.env, kind, idOf(c.req.valid("param") as z.output<P>)).events(
      limit ?? DEFAULT_EVENTS_LIMIT,
      before,
    )) as EventPage & { etag: string | null };
    const body: EventPage = { events: page.events, next: page.next };
    return c.json(body, 200, page.etag ? etagHeader(page.etag) : {});
  });
}

export const appEvents = eventsOf("app", appIdParamSchema, ({ appId }) => appId);
export const merchantEvents = eventsOf("merchant", merchantParamSchema, ({ merchantId }) => merchantId);
export const orgEvents = eventsOf("org", orgIdParamSchema, ({ id }) => String(id));
export const userEvents = eventsOf("portal-user", emailParamSchema, ({ email }) => email);
