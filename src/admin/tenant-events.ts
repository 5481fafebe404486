import type { EventChanges, TenantEventInput, TenantEventType } from "../shared/tenants";

/** One event as the admin API shows it (docs/admin.md#event-log). */
interface TenantEvent extends TenantEventInput {
  readonly id: string;
  readonly at: string;
}

export interface EventPage {
  readonly events: TenantEvent[];
  /** Pass as `before` for the next (older) page; `null` on the last page. */
  readonly next: string | null;
}

/** docs/admin.md#event-log: a page holds `limit` 1-100 events, default 50. */
export const DEFAULT_EVENTS_LIMIT = 50;
export const MAX_EVENTS_LIMIT = 100;

/** docs/admin.md#event-log: events are kept at least 13 months (calendar months, so never a day short). */
const EVENT_RETENTION_MONTHS = 13;

type Row = { seq: number; at: number; type: string; request_id: string; changes: string | null };

/** One tenant id's event log in its object's SQLite: it outlives incarnations; the alarm prunes it. */
export class TenantEventLog {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, type TEXT NOT NULL, request_id TEXT NOT NULL, changes TEXT)",
    );
  }

  append(event: TenantEventInput, now: number): void {
    this.sql.exec(
      "INSERT INTO events (at, type, request_id, changes) VALUES (?, ?, ?, ?)",
      now,
      event.type,
      event.requestId,
      event.changes ? JSON.stringify(event.changes) : null,
    );
  }

  /** Up to `limit` events older than the cursor `before` (an event id), newest first. */
  page(limit: number, before: number | undefined): EventPage {
    const rows = this.sql
      .exec<Row>(
        "SELECT seq, at, type, request_id, changes FROM events WHERE seq < ? ORDER BY seq DESC LIMIT ?",
        before ?? Number.MAX_SAFE_INTEGER,
        limit + 1,
      )
      .toArray();
    const events = rows.slice(0, limit).map((row) => ({
      id: String(row.seq),
      at: new Date(row.at).toISOString(),
      type: row.type as TenantEventType,
      requestId: row.request_id,
      ...(row.changes === null ? {} : { changes: JSON.parse(row.changes) as EventChanges }),
    }));
    return { events, next: rows.length > limit ? events.at(-1)!.id : null };
  }

  prune(now: number): void {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - EVENT_RETENTION_MONTHS);
    this.sql.exec("DELETE FROM events WHERE at < ?", cutoff.getTime());
  }

  hasEvents(): boolean {
    return this.sql.exec("SELECT 1 FROM events LIMIT 1").toArray().length > 0;
  }
}
