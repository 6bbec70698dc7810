import type { LicenseEvent, LicenseEventFilter } from "../domain/license-events.js";
import type { EventBus } from "./event-bus.js";
import type { EventLog } from "./event-log.js";

/** Events read from the store per query while a stream catches up. */
const STORE_PAGE = 100;

/**
 * The end of a stream whose subscriber read too slowly: more live events waited for it than its buffer holds. It
 * loses nothing by it: every event up to `lastCursor` was handed to it, and the rest is in the store, where a new
 * subscription from `lastCursor` starts.
 */
export class EventStreamOverflow {
  constructor(
    readonly lastCursor: number,
    readonly bufferLimit: number,
  ) {}
}

export interface EventStreamOptions {
  bus: EventBus;
  log: EventLog;
  /** The customers the caller may see (Access.customerScope); undefined for all. */
  scope: readonly string[] | undefined;
  /** What the caller asked for; its customers are narrowed to the scope. */
  filter: LicenseEventFilter;
  /** Resume after this cursor: the stored events after it first. Undefined: live events only, from now. */
  after: number | undefined;
  /** Live events that may wait for a slow subscriber before its stream ends (EventStreamOverflow). */
  bufferLimit: number;
}

/** The caller's filter within its reach: a customer it may not see is left out, as if it had no events (never an error). */
export function scopedFilter(filter: LicenseEventFilter, scope: readonly string[] | undefined): LicenseEventFilter {
  if (scope === undefined) return filter;
  const customerIds = filter.customerIds === undefined ? scope : filter.customerIds.filter((id) => scope.includes(id));
  return { ...filter, customerIds };
}

/**
 * One subscriber's license events: the stored ones after its cursor (read from the store a page at a time, at the
 * subscriber's pace), then the live ones from the bus; in cursor order, no gap and no repeat, each matching its
 * filter within its reach.
 *
 * Why no gap: the stream subscribes to the bus before it reads the store, and the bus publishes only committed
 * events, so an event is either in the store when read or arrives live afterwards (or both: then the cursor, the
 * highest handed out, drops the repeat).
 *
 * Backpressure: live events wait in a buffer of at most `bufferLimit` for the subscriber to take them (its transport
 * takes the next one only once the last is on its way). When it overflows, the buffer is dropped and the stream
 * reads the store again from its last cursor, at the subscriber's pace: a burst (the first sync of many licenses)
 * costs a fast subscriber nothing. If it overflows again before the subscriber has caught up with the store, events
 * arrive faster than it reads: the stream ends with an EventStreamOverflow, which tells it where to resume.
 *
 * An iterator object rather than an async generator: `return()` must end a stream that is waiting for the next
 * event at once (a generator's would wait for that event), so a closed connection unsubscribes at once.
 */
export class LicenseEventStream implements AsyncIterableIterator<LicenseEvent | EventStreamOverflow> {
  readonly #log: EventLog;
  readonly #filter: LicenseEventFilter;
  readonly #bufferLimit: number;
  readonly #unsubscribe: () => void;
  /** The cursor of the last event handed out (or the starting point): nothing at or before it is handed out again. */
  #last: number;
  #live: boolean;
  #stored: LicenseEvent[] = [];
  #storeExhausted = false;
  /** The buffer overflowed while the store was read: read it again from `#last` before going live. */
  #reread = false;
  /** The buffer overflowed and the subscriber has not caught up with the store since: another overflow ends the stream. */
  #behind = false;
  #buffer: LicenseEvent[] = [];
  #overflowed = false;
  #done = false;
  #wake: (() => void) | undefined;

  constructor(o: EventStreamOptions) {
    this.#log = o.log;
    this.#filter = scopedFilter(o.filter, o.scope);
    this.#bufferLimit = o.bufferLimit;
    this.#last = o.after ?? o.bus.position;
    this.#live = o.after === undefined;
    // A caller that may see none of the customers it asked for: nothing, ever, and no store query for it.
    this.#storeExhausted = this.#filter.customerIds?.length === 0;
    this.#unsubscribe = o.bus.subscribe(this.#filter, (events) => this.#arrived(events));
  }

  /** The cursor of the last event handed to the subscriber (or where it started). */
  get lastCursor(): number {
    return this.#last;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<LicenseEvent | EventStreamOverflow>> {
    while (!this.#done) {
      if (this.#overflowed) {
        this.#finish();
        return { done: false, value: new EventStreamOverflow(this.#last, this.#bufferLimit) };
      }
      if (!this.#live) {
        const event = await this.#nextStored();
        if (event) return this.#handOut(event);
        continue;
      }
      const event = this.#buffer.shift();
      if (event) {
        if (event.cursor > this.#last) return this.#handOut(event);
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<LicenseEvent | EventStreamOverflow>> {
    this.#finish();
    return { done: true, value: undefined };
  }

  /** The next stored event, or undefined once the store has nothing more (then the stream is live). */
  async #nextStored(): Promise<LicenseEvent | undefined> {
    if (this.#stored.length === 0 && !this.#storeExhausted) {
      this.#stored = await this.#log.after(this.#last, this.#filter, STORE_PAGE);
      this.#storeExhausted = this.#stored.length < STORE_PAGE;
    }
    const event = this.#stored.shift();
    if (event || this.#done || this.#overflowed) return event;
    if (this.#reread) {
      this.#reread = false;
      this.#storeExhausted = false;
    } else {
      this.#live = true;
      this.#behind = false;
    }
    return undefined;
  }

  #handOut(event: LicenseEvent): IteratorResult<LicenseEvent> {
    this.#last = event.cursor;
    return { done: false, value: event };
  }

  #arrived(events: readonly LicenseEvent[]): void {
    if (this.#done || this.#overflowed) return;
    this.#buffer.push(...events);
    if (this.#buffer.length > this.#bufferLimit) {
      // Dropped either way: the store holds them, for this stream's re-read or the subscriber's resumption.
      this.#buffer = [];
      if (this.#behind) {
        this.#overflowed = true;
        this.#unsubscribe();
      } else if (this.#live) {
        this.#behind = true;
        this.#live = false;
        this.#storeExhausted = false;
      } else {
        this.#behind = true;
        this.#reread = true;
      }
    }
    this.#wake?.();
  }

  #finish(): void {
    this.#done = true;
    this.#buffer = [];
    this.#stored = [];
    this.#unsubscribe();
    this.#wake?.();
  }
}
