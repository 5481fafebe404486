import * as z from "zod";
import { DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT } from "./tenant-events";

/** The event log routes' schemas (docs/admin.md#event-log), loaded on first use. */

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
