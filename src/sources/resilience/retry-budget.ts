import { RollingCounter } from "./rolling-counter.js";

/**
 * Retries a quiet source may always make per window, so a single failed read is still retried when there is no
 * recent traffic to take a ratio of (Finagle's RetryBudget has the same floor, "minRetriesPerSec").
 */
export const MIN_RETRIES_PER_WINDOW = 3;

/**
 * Retries may add at most `ratio` of the source's recent calls (plus a small floor). During an outage every call
 * fails and would be retried: without a budget the gateway would multiply the load on a vendor that is already
 * down. With ratio 0 nothing is retried, floor included.
 */
export class RetryBudget {
  private readonly calls: RollingCounter;
  private readonly retries: RollingCounter;

  constructor(
    private readonly ratio: number,
    windowMs: number,
    private readonly minRetries = MIN_RETRIES_PER_WINDOW,
    now: () => number = Date.now,
  ) {
    this.calls = new RollingCounter(windowMs, 10, now);
    this.retries = new RollingCounter(windowMs, 10, now);
  }

  /** Counts one first attempt (a retry is not a new call). */
  recordCall(): void {
    this.calls.add();
  }

  /** Takes one retry from the budget if there is one left; false means the caller must give up now. */
  tryRetry(): boolean {
    if (this.ratio <= 0) return false;
    const allowed = Math.max(this.minRetries, this.ratio * this.calls.total());
    if (this.retries.total() + 1 > allowed) return false;
    this.retries.add();
    return true;
  }
}
