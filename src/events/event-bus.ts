import { matchesEventFilter, type LicenseEvent, type LicenseEventFilter } from "../domain/license-events.js";
import type { Logger } from "../logger.js";
import type { EventLog } from "./event-log.js";

/** Called with the events of one delivery that match the subscriber's filter (never an empty list). */
export type EventListener = (events: readonly LicenseEvent[]) => void;

/** Events read from the store per query when the bus catches up. */
const CATCH_UP_PAGE = 500;

interface Subscription {
  filter: LicenseEventFilter;
  onEvents: EventListener;
}

/**
 * The in-process fan-out of committed license events (issue 16) to this replica's subscribers (SSE streams, later
 * webhooks). The sync and the mutations call `publish` after their transaction commits; with several replicas the
 * relay (redis-event-relay.ts) announces each published range to the others, which read those events from the
 * store (`announced`), so an event is delivered only once it is committed, and a subscriber on one replica sees what
 * another detected.
 *
 * The rule that keeps it exact: events are delivered in cursor order and never twice, because the bus remembers the
 * highest cursor it delivered (`position`) and delivers only what lies beyond it. When what arrives does not follow
 * on from there (an announcement lost, a publish of events that were appended after others not yet delivered),
 * the bus reads the store from its position instead of trusting the message: the store is the truth, messages only
 * say when to look. Work is done one delivery at a time, in arrival order.
 */
export class EventBus {
  #position: number;
  readonly #subscriptions = new Set<Subscription>();
  #work: Promise<void> = Promise.resolve();
  readonly #published = new Set<(first: number, last: number) => void>();

  private constructor(
    private readonly log: EventLog,
    private readonly logger: Logger,
    position: number,
  ) {
    this.#position = position;
  }

  /** Starts at the log's end: what was committed before is the store's to serve (event-stream.ts reads it). */
  static async start(log: EventLog, logger: Logger): Promise<EventBus> {
    return new EventBus(log, logger, await log.latestCursor());
  }

  /** The highest cursor delivered to this replica's subscribers: every event up to it has been, none after it. */
  get position(): number {
    return this.#position;
  }

  get subscriberCount(): number {
    return this.#subscriptions.size;
  }

  /**
   * Events this process committed (cursors from the store), delivered here and announced to other replicas.
   * Resolves once delivered here; never rejects (a failure to read the store is logged and retried by the next
   * delivery or catch-up).
   */
  publish(events: readonly LicenseEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const sorted = [...events].sort((a, b) => a.cursor - b.cursor);
    const first = sorted[0]!.cursor;
    const last = sorted[sorted.length - 1]!.cursor;
    for (const announce of this.#published) announce(first, last);
    return this.#enqueue(async () => {
      if (last <= this.#position) return;
      // Follows on from what was delivered: the payload is the events. Otherwise something before it was not
      // delivered yet (another writer's events, or a hole the store left): the store says which.
      if (first === this.#position + 1 && contiguous(sorted)) this.#deliver(sorted);
      else await this.#readStore(last);
    });
  }

  /** Another replica committed events up to `last` (the relay's message): read and deliver what is not yet delivered. */
  announced(last: number): Promise<void> {
    return this.#enqueue(async () => {
      if (last > this.#position) await this.#readStore(last);
    });
  }

  /** Reads the store past `position` and delivers whatever was committed since (after a reconnect, or periodically). */
  catchUp(): Promise<void> {
    return this.#enqueue(() => this.#readStore(Number.MAX_SAFE_INTEGER));
  }

  /** Every delivery's events matching `filter`, from the next delivery on; returns the unsubscribe function. */
  subscribe(filter: LicenseEventFilter, onEvents: EventListener): () => void {
    const subscription = { filter, onEvents };
    this.#subscriptions.add(subscription);
    return () => void this.#subscriptions.delete(subscription);
  }

  /** For the relay: told of each range this process publishes, before it is delivered here. */
  onPublished(announce: (first: number, last: number) => void): () => void {
    this.#published.add(announce);
    return () => void this.#published.delete(announce);
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#work.then(task).catch((error: unknown) => {
      this.logger.warn({ err: error }, "license events could not be read from the store; the next event or catch-up retries");
    });
    this.#work = run;
    return run;
  }

  /** Pages of the log after `position`, until a short page or one reaching `last`; events beyond `last` are delivered too. */
  async #readStore(last: number): Promise<void> {
    for (;;) {
      const page = await this.log.after(this.#position, {}, CATCH_UP_PAGE);
      if (page.length > 0) this.#deliver(page);
      if (page.length < CATCH_UP_PAGE || this.#position >= last) return;
    }
  }

  #deliver(events: readonly LicenseEvent[]): void {
    const fresh = events.filter((e) => e.cursor > this.#position);
    if (fresh.length === 0) return;
    this.#position = fresh[fresh.length - 1]!.cursor;
    for (const { filter, onEvents } of this.#subscriptions) {
      const matching = fresh.filter((e) => matchesEventFilter(e, filter));
      if (matching.length === 0) continue;
      try {
        onEvents(matching);
      } catch (error) {
        // One subscriber's bug must not keep the events from the others.
        this.logger.error({ err: error }, "a license event subscriber failed");
      }
    }
  }
}

/** Whether the cursors follow one another (one append's do: the store appends under the log's lock). */
function contiguous(sorted: readonly LicenseEvent[]): boolean {
  return sorted.every((e, i) => i === 0 || e.cursor === sorted[i - 1]!.cursor + 1);
}
