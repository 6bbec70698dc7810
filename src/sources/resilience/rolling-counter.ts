/**
 * A count over the last `windowMs`, kept in `buckets` slots so it costs the same memory however busy the source
 * is. Old slots are zeroed lazily when time reaches them again (no timer to clean up).
 */
export class RollingCounter {
  private readonly bucketMs: number;
  private readonly counts: number[];
  /** Which bucket number (time / bucketMs) each slot currently holds. */
  private readonly stamps: number[];

  constructor(
    windowMs: number,
    private readonly buckets = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
    this.counts = new Array<number>(buckets).fill(0);
    this.stamps = new Array<number>(buckets).fill(-1);
  }

  add(n = 1): void {
    const bucket = Math.floor(this.now() / this.bucketMs);
    const slot = bucket % this.buckets;
    if (this.stamps[slot] !== bucket) {
      this.stamps[slot] = bucket;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += n;
  }

  total(): number {
    const current = Math.floor(this.now() / this.bucketMs);
    let sum = 0;
    for (let slot = 0; slot < this.buckets; slot++) {
      if (current - this.stamps[slot]! < this.buckets) sum += this.counts[slot]!;
    }
    return sum;
  }
}
