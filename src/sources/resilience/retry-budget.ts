import { RollingCounter } from "./rolling-counter.js";

/**
 * Retries a source may always make per second, whatever its recent traffic: Finagle's RetryBudget floor
 * (`minRetriesPerSec`, default 10), so a quiet gateway still retries the odd transient fault (a vendor closing a
 * keep-alive connection) instead of handing it to the client. A floor per second, not per window, so it cannot be
 * spent in one burst: during an outage it adds at most this many calls a second to a vendor that is already down.
 */
export const DEFAULT_MIN_RETRIES_PER_SECOND = 10;

/**
 * Retries may add at most `ratio` of the source's recent calls over the window, or `minPerSecond` in the last
 * second, whichever allows more. During an outage every call fails and would be retried: without a budget the
 * gateway would multiply the load on a vendor that is already down. With ratio 0 nothing is retried, floor included.
 */
export class RetryBudget {
  private readonly calls: RollingCounter;
  private readonly retries: RollingCounter;
  private readonly lastSecond: RollingCounter;

  constructor(
    private readonly ratio: number,
    windowMs: number,
    private readonly minPerSecond = DEFAULT_MIN_RETRIES_PER_SECOND,
    now: () => number = Date.now,
  ) {
    this.calls = new RollingCounter(windowMs, 10, now);
    this.retries = new RollingCounter(windowMs, 10, now);
    this.lastSecond = new RollingCounter(1_000, 10, now);
  }

  /** Counts one first attempt (a retry is not a new call). */
  recordCall(): void {
    this.calls.add();
  }

  /** Takes one retry from the budget if there is one left; false means the caller must give up now. */
  tryRetry(): boolean {
    if (this.ratio <= 0) return false;
    const withinRatio = this.retries.total() + 1 <= this.ratio * this.calls.total();
    if (!withinRatio && this.lastSecond.total() >= this.minPerSecond) return false;
    this.retries.add();
    this.lastSecond.add();
    return true;
  }
}
