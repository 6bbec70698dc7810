import type { Selectable } from "kysely";
import type { LicenseEvent, LicenseEventFilter, NewLicenseEvent } from "../domain/license-events.js";
import type { LicenseEventsTable } from "./database.js";
import type { Db } from "./db.js";
import { toDate, toDateOrNull } from "./dialect.js";

export type LicenseEventQueries = ReturnType<typeof licenseEventQueries>;

/** Rows per insert: 11 parameters each, well under either engine's limit on one statement's parameters. */
const INSERT_CHUNK = 1_000;

const EVENT = [
  "cursor",
  "at",
  "origin",
  "type",
  "source",
  "external_id",
  "customer_id",
  "status",
  "previous_status",
  "node_id",
  "expires_at",
  "threshold_days",
] as const;

const toEvent = (r: Selectable<LicenseEventsTable>): LicenseEvent => ({
  cursor: Number(r.cursor),
  type: r.type,
  at: toDate(r.at),
  origin: r.origin,
  source: r.source,
  externalId: r.external_id,
  customerId: r.customer_id,
  status: r.status,
  previousStatus: r.previous_status,
  nodeId: r.node_id,
  expiresAt: toDateOrNull(r.expires_at),
  thresholdDays: r.threshold_days,
});

/**
 * Appends `events` in their order, within the caller's transaction if there is one (else its own), and returns
 * them with their cursors, ascending. The event log's lock is taken first (Dialect.lockEventLog), so cursors commit
 * in the order they were handed out: a reader going on from the last cursor it saw never misses a smaller one
 * committed later. Shared by `append` and `licenseIndex.replaceAccount`.
 */
export async function appendEvents(db: Db, events: readonly NewLicenseEvent[]): Promise<LicenseEvent[]> {
  if (events.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.dialect.lockEventLog(tx.kysely);
    const appended: LicenseEvent[] = [];
    for (let at = 0; at < events.length; at += INSERT_CHUNK) {
      const rows = await tx.kysely
        .insertInto("license_events")
        .values(
          events.slice(at, at + INSERT_CHUNK).map((e) => ({
            at: e.at,
            origin: e.origin,
            type: e.type,
            source: e.source,
            external_id: e.externalId,
            customer_id: e.customerId,
            status: e.status,
            previous_status: e.previousStatus,
            node_id: e.nodeId,
            expires_at: e.expiresAt,
            threshold_days: e.thresholdDays,
          })),
        )
        .returning(EVENT)
        .execute();
      // Each engine numbers a multi-row insert in the order of its values; the order of `returning` is not promised.
      appended.push(...rows.map(toEvent).sort((a, b) => a.cursor - b.cursor));
    }
    return appended;
  });
}

/** The log of what happened to licenses (issue 16): appended by the sync and by mutations, read by the feed. */
export function licenseEventQueries(db: Db) {
  const { kysely, dialect } = db;
  return {
    /** Appends mutations' events (the sync's go with its index write: licenseIndex.replaceAccount); cursors ascending. */
    append: (events: NewLicenseEvent[]): Promise<LicenseEvent[]> => appendEvents(db, events),

    /**
     * At most `limit` events with a cursor greater than `cursor` that match `filter`, ascending: how a subscriber
     * resumes and a poller pages. A filter's empty list matches nothing, as `matchesEventFilter` has it.
     */
    async after(cursor: number, filter: LicenseEventFilter, limit: number): Promise<LicenseEvent[]> {
      if (!Number.isInteger(limit) || limit < 0) throw new Error(`licenseEvents.after needs a non-negative integer limit, got ${limit}`);
      if (limit === 0) return [];
      let query = kysely.selectFrom("license_events").select(EVENT).where("cursor", ">", cursor);
      if (filter.customerIds !== undefined) query = query.where(dialect.anyOf("customer_id", filter.customerIds));
      if (filter.sources !== undefined) query = query.where(dialect.anyOf("source", filter.sources));
      if (filter.types !== undefined) query = query.where(dialect.anyOf("type", filter.types));
      return (await query.orderBy("cursor").limit(limit).execute()).map(toEvent);
    },

    /** The newest event's cursor; 0 when the log is empty. */
    async latestCursor(): Promise<number> {
      const row = await kysely
        .selectFrom("license_events")
        .select((eb) => eb.fn.max("cursor").as("latest"))
        .executeTakeFirst();
      return Number(row?.latest ?? 0);
    },

    /** Removes the events noticed before `olderThan` (the retention period), and their webhook deliveries (cascade). */
    async prune(olderThan: Date): Promise<number> {
      const result = await kysely.deleteFrom("license_events").where("at", "<", olderThan).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
