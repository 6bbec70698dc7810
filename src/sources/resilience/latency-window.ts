/** Samples kept per source: enough for a stable p95, small enough to sort on every `Query.sources`. */
const MAX_SAMPLES = 512;

/**
 * Latencies of a source's recent upstream calls: the last MAX_SAMPLES within `windowMs`, in a fixed ring, so
 * memory stays flat however busy the source is. Percentiles are computed when asked (nearest rank).
 */
export class LatencyWindow {
  private readonly at = new Float64Array(MAX_SAMPLES);
  private readonly ms = new Float64Array(MAX_SAMPLES);
  private next = 0;
  private size = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  record(latencyMs: number): void {
    this.at[this.next] = this.now();
    this.ms[this.next] = latencyMs;
    this.next = (this.next + 1) % MAX_SAMPLES;
    this.size = Math.min(this.size + 1, MAX_SAMPLES);
  }

  /** The given percentiles (0..100) of the recent samples, in ms; null each when there are none. */
  percentiles(...ps: number[]): Array<number | null> {
    const since = this.now() - this.windowMs;
    const recent: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.at[i]! >= since) recent.push(this.ms[i]!);
    if (recent.length === 0) return ps.map(() => null);
    recent.sort((a, b) => a - b);
    return ps.map((p) => recent[Math.min(recent.length - 1, Math.max(0, Math.ceil((p / 100) * recent.length) - 1))]!);
  }
}
