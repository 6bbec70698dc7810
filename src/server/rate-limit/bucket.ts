/**
 * The algorithm: a token bucket, computed as GCRA (the generic cell rate algorithm). Each principal has a bucket
 * of `burst` requests that refills at `requestsPerMinute`; the only state is one time per principal, the
 * "theoretical arrival time" (TAT) at which its bucket would be full again. A request at `now` is admitted when
 * `max(TAT, now) - now <= (burst - 1) × interval`, and then moves the TAT one interval later.
 *
 * Why this one:
 * - A fixed window lets a client send twice the limit across a window boundary, and resets every client at the
 *   same instant; a sliding log is exact but stores one entry per request. GCRA is exact at any instant with one
 *   number per principal, so one Redis key and one atomic script.
 * - The refusal says exactly when the next request will be admitted: the Retry-After the client gets.
 * - Idle principals cost nothing: the Redis key expires (and the in-memory entry is swept) when the bucket is full.
 */
export interface BucketShape {
  /** 60,000 / requestsPerMinute: the time one request's token takes to come back. */
  intervalMs: number;
  /** (burst - 1) × interval: how far ahead of the sustained rate a client may run. */
  toleranceMs: number;
}

export type BucketDecision = { allowed: true } | { allowed: false; waitMs: number };

/** Where the buckets live: this process (memory-counters.ts) or a Redis shared by every replica (redis-counters.ts). */
export interface Buckets {
  /** Takes one request from the principal's bucket, or says how long until one is free. Never rejects. */
  take(principalId: string): Promise<BucketDecision>;
}

export function bucketShape(requestsPerMinute: number, burst: number): BucketShape {
  const intervalMs = 60_000 / requestsPerMinute;
  return { intervalMs, toleranceMs: intervalMs * (burst - 1) };
}
