import type { LicenseEvent, LicenseEventFilter } from "../domain/license-events.js";
import type { EventBus } from "./event-bus.js";
import type { EventLog } from "./event-log.js";
import { LicenseEventStream, scopedFilter } from "./event-stream.js";

/** Live events a subscriber may leave unread before its stream ends (config `subscriptions.bufferSize`). */
export const DEFAULT_SUBSCRIBER_BUFFER = 1_000;

/**
 * What the GraphQL layer reads license events through: a subscriber's stream (stored, then live) and a poller's
 * page, both within the caller's reach (`scope`, Access.customerScope). One per gateway.
 */
export class LicenseEventFeed {
  constructor(
    readonly log: EventLog,
    readonly bus: EventBus,
    private readonly bufferLimit = DEFAULT_SUBSCRIBER_BUFFER,
  ) {}

  stream(scope: readonly string[] | undefined, filter: LicenseEventFilter, after: number | undefined): LicenseEventStream {
    return new LicenseEventStream({ bus: this.bus, log: this.log, scope, filter, after, bufferLimit: this.bufferLimit });
  }

  /** At most `first` events after `after`, and whether more follow (one more is read to know). */
  async page(
    scope: readonly string[] | undefined,
    filter: LicenseEventFilter,
    after: number,
    first: number,
  ): Promise<{ events: LicenseEvent[]; hasNextPage: boolean }> {
    const scoped = scopedFilter(filter, scope);
    if (first === 0 || scoped.customerIds?.length === 0) return { events: [], hasNextPage: false };
    const events = await this.log.after(after, scoped, first + 1);
    return { events: events.slice(0, first), hasNextPage: events.length > first };
  }
}
