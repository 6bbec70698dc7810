import { performance, type EventLoopUtilization } from "node:perf_hooks";

/**
 * How many operations admission lets execute at once, moved by how busy the gateway's own event loop is (issue 14).
 *
 * Why the event loop: every byte an operation allocates is made on it, and an operation admitted while the loop is
 * already busy all the time adds no throughput, only a longer wait for all and more of the heap held in flight (`npm
 * run bench`, cache off: 20 customers with everything at 100 clients, all 100 admitted at once: 11 ops/s at 62 ms of
 * CPU each and 590 MiB RSS; 8 admitted: 18 ops/s at 36 ms and 410 MiB). A fixed low limit would cost narrow operations against slow
 * vendors their throughput (they wait on the network, not the CPU); a limit that only falls while the loop is
 * saturated keeps them at full concurrency.
 *
 * The rule, each `intervalMs` (AIMD, as TCP's congestion window and Netflix's concurrency-limits):
 * - the loop was busy at least `targetUtilization` of the interval and more than `min` operations ran: the limit
 *   falls to 95% of what runs now (not of an unused limit, so it takes effect at once), never below `min`;
 * - it had room and operations waited for their turn: the limit rises by a tenth (at least 1), up to `max`;
 * - otherwise it stays: a limit is only raised on evidence that it binds.
 */
export interface SaturationOptions {
  min: number;
  max: number;
  targetUtilization: number;
}

export interface LoadSample {
  /** Share of the last interval the event loop spent running code (0..1), `performance.eventLoopUtilization`. */
  utilization: number;
  running: number;
  queued: number;
}

const DECREASE = 0.95;
const INCREASE = 0.1;

export function nextLimit(current: number, sample: LoadSample, options: SaturationOptions): number {
  if (sample.utilization >= options.targetUtilization) {
    // No more than `min` run: operations are not what keeps the loop busy (start-up, the sync, cached answers).
    if (sample.running <= options.min) return current;
    return Math.max(options.min, Math.min(current, Math.floor(sample.running * DECREASE)));
  }
  if (sample.queued > 0) return Math.min(options.max, current + Math.max(1, Math.ceil(current * INCREASE)));
  return current;
}

/** What the controller moves: admission.ts's Admission. */
export interface AdjustableLimit {
  readonly limit: number;
  readonly load: { running: number; queued: number };
  setLimit(limit: number): void;
}

/**
 * Samples the event loop's utilization every `intervalMs` and moves `target`'s limit by `nextLimit`. The timer is
 * unref'd: it never keeps the process alive.
 */
export class SaturationController {
  private readonly timer: NodeJS.Timeout;
  private last: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(
    private readonly target: AdjustableLimit,
    private readonly options: SaturationOptions & { intervalMs: number },
  ) {
    this.timer = setInterval(() => this.tick(), options.intervalMs).unref();
  }

  private tick(): void {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, this.last);
    this.last = now;
    const next = nextLimit(this.target.limit, { utilization, ...this.target.load }, this.options);
    if (next !== this.target.limit) this.target.setLimit(next);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
