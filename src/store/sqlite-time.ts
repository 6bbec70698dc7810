/**
 * How SQLite keeps a timestamp: ISO-8601 UTC text with six fractional digits, `2025-01-02T03:04:05.678000Z`.
 *
 * - Text of one fixed width sorts and compares as time does, so `order by created_at` and `created_at < ?` need no
 *   function call and use the indexes (integer milliseconds would too, but text stays readable in the sqlite3 shell
 *   and in a copy).
 * - Six digits, as PostgreSQL keeps microseconds: a JS Date has milliseconds, so a value written from a Date reads
 *   back equal on both engines, and the last three digits order the writes made within one millisecond (below).
 * - The schema checks the shape (sqlite-baseline.ts), so a row written by hand in another format cannot break the
 *   order.
 */
export function sqliteTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}

/** The last value `sqliteNow` gave, in microseconds since the epoch. */
let lastMicros = 0;

/**
 * The current time for a row written now. On PostgreSQL two statements a few microseconds apart get different
 * `now()`s, so rows come back in the order they were written; SQLite writes several rows within one millisecond,
 * so the microsecond digits here count within the millisecond: each call is later than the one before (in this
 * process), and `order by created_at` keeps the order of writes as it does on PostgreSQL. Should the wall clock
 * step back, values keep rising from the last one until it catches up.
 */
export function sqliteNow(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
  const millis = Math.floor(lastMicros / 1000);
  return `${new Date(millis).toISOString().slice(0, 23)}${String(lastMicros % 1000).padStart(3, "0")}Z`;
}

/**
 * The column default for rows inserted without a time (by hand; the store's own writes pass `sqliteNow()`):
 * the same shape, with milliseconds.
 */
export const SQLITE_NOW_DEFAULT = "(strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'))";

/** A CHECK that a column holds exactly that shape, so text order stays time order. */
export function sqliteTimestampCheck(column: string): string {
  const d = "[0-9]";
  return `${column} glob '${d}${d}${d}${d}-${d}${d}-${d}${d}T${d}${d}:${d}${d}:${d}${d}.${d}${d}${d}${d}${d}${d}Z'`;
}
