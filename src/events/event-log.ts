import type { LicenseEvent, LicenseEventFilter } from "../domain/license-events.js";

/**
 * What the feed reads of the store's event log (`store.licenseEvents`, src/store/license-events.ts): the events
 * after a cursor, in cursor order, and the newest cursor. Cursors commit in the order they are handed out (the
 * store takes the log's lock to append), so "everything after the last cursor I saw" never skips one committed
 * later; cursors may have holes (a rolled-back append), so no code here expects them to follow one another.
 */
export interface EventLog {
  after(cursor: number, filter: LicenseEventFilter, limit: number): Promise<LicenseEvent[]>;
  latestCursor(): Promise<number>;
}
