import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

/** What the machine's load was when a timing began, and how long the bench waited for it to settle. */
export interface QuietCheck {
  /** The 1-minute load average when the timing began. */
  loadAverage: number;
  /** The load average the bench waited for: below this, the machine counts as quiet. */
  threshold: number;
  waitedS: number;
  /** False when the machine was still busy after `maxWaitS`: the timing was taken anyway, and the figure says so. */
  quiet: boolean;
}

/**
 * Waits, up to `maxWaitS`, until the 1-minute load average is below a quarter of the cores (0.5 on 2 cores). The
 * demo's start is a single-process figure measured in a second or two: another process busy on the machine (a
 * lint run, a test suite just finished) adds its share straight to it, and the load average of the previous minute
 * is what the kernel offers as a sign of that. Issue 14's run began at a load average of 2.7 and measured 1,762 ms
 * where the same commit took 1,265 ms at rest.
 */
export async function waitForQuietMachine(log: (line: string) => void, maxWaitS = 180): Promise<QuietCheck> {
  const threshold = availableParallelism() / 4;
  const started = Date.now();
  let announced = false;
  for (;;) {
    const loadAverage = loadavg()[0]!;
    const waitedS = (Date.now() - started) / 1000;
    if (loadAverage < threshold) return { loadAverage, threshold, waitedS, quiet: true };
    if (waitedS >= maxWaitS) {
      log(`machine still busy after ${Math.round(waitedS)} s (load average ${loadAverage.toFixed(2)}): timing anyway`);
      return { loadAverage, threshold, waitedS, quiet: false };
    }
    if (!announced) {
      log(`waiting for a quiet machine before timing the demo's start (load average ${loadAverage.toFixed(2)}, want < ${threshold})`);
      announced = true;
    }
    await sleep(5_000);
  }
}
