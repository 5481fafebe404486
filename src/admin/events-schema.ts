import * as z from "../shared/zod";
import { DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT } from "./tenant-events";

// The event log routes' schemas (docs/admin.md#event-log), named by `eventsContract`, loaded on first use.

export { emailParamSchema, orgIdParamSchema } from "../portal/admin-schema";
export { merchantParamSchema } from "../upi/admin-schema";
export { appIdParamSchema } from "./schema";

/** A query parameter of decimal digits matching `pattern` (else `message`), read as a number. */
const decimalParam = (pattern: RegExp, message: string) =>
  z.pipe(z.string().check(z.regex(pattern, message)), z.transform(Number));

export const eventsQuerySchema = z.object({
  limit: z
    .optional(decimalParam(/^(100|[1-9][0-9]?)$/, `must be an integer from 1 to ${MAX_EVENTS_LIMIT}`))
    .check(z.describe(`How many events (1-${MAX_EVENTS_LIMIT}, default ${DEFAULT_EVENTS_LIMIT}).`)),
  before: z
    .optional(decimalParam(/^[1-9][0-9]{0,14}$/, "must be a cursor from a previous page's next"))
    .check(z.describe("The `next` cursor of the previous page: events older than it.")),
});

const tenantEventSchema = z.object({
  id: z.string(),
  at: z.string().check(z.describe("ISO-8601 UTC.")),
  type: z.string().check(z.describe("snake_case: created, updated, key_rotated, deleted, ...")),
  requestId: z.string().check(z.describe("The X-Request-Id of the request that caused it.")),
  changes: z
    .optional(z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })))
    .check(
      z.describe('For updates: `{"<field>":{"from","to"}}`; secrets read "rotated", emails are masked.'),
    ),
});

export const eventPageSchema = z.object({
  events: z.array(tenantEventSchema),
  next: z.nullable(z.string()).check(z.describe("Pass as `before` for older events; null on the last page.")),
});
