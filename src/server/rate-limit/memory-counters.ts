import type { BucketDecision, Buckets, BucketShape } from "./bucket.js";

/** Below this many principals the map is never swept: sweeping is for many distinct clients, not a few busy ones. */
const MIN_SWEEP_SIZE = 1_024;

/**
 * The buckets of one process (no `cache.url`): with several replicas each keeps its own, so the limit is per
 * replica. Same algorithm as the Redis script (GCRA, see bucket.ts), on this process's monotonic clock.
 */
export class MemoryBuckets implements Buckets {
  /** Principal → theoretical arrival time (ms on `clock`). A time in the past means a full bucket, like no entry. */
  private readonly arrivals = new Map<string, number>();
  private sweepAt = MIN_SWEEP_SIZE;

  constructor(
    private readonly shape: BucketShape,
    /** Milliseconds, monotonic; tests pass their own. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async take(principalId: string): Promise<BucketDecision> {
    const now = this.clock();
    const { intervalMs, toleranceMs } = this.shape;
    const arrival = Math.max(this.arrivals.get(principalId) ?? now, now);
    const waitMs = arrival - toleranceMs - now;
    if (waitMs > 0) return { allowed: false, waitMs };
    this.arrivals.set(principalId, arrival + intervalMs);
    if (this.arrivals.size > this.sweepAt) this.sweep(now);
    return { allowed: true };
  }

  /** Forgets every principal whose bucket has filled up again, so memory follows recent clients, not all clients ever. */
  private sweep(now: number): void {
    for (const [id, arrival] of this.arrivals) if (arrival <= now) this.arrivals.delete(id);
    this.sweepAt = Math.max(MIN_SWEEP_SIZE, this.arrivals.size * 2);
  }
}
