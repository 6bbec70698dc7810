import type { BenchChild } from "./children.js";
import type { LoadCommand, LoadResult } from "./load-process.js";
import { memory, sampleRss } from "./proc-stats.js";
import type { SoakResult } from "./results.js";
import { SCENARIOS } from "./scenarios.js";

/**
 * The one-customer scenario for a long time against a fresh gateway, watching its RSS: after a warm-up (caches
 * filled, JIT settled), RSS should stop growing. RSS under load is a sawtooth (V8 lets the heap grow between
 * collections: one run went 513 -> 640 -> 522 MiB within four minutes), so two single samples measure where the
 * collector happened to be, not growth. Growth is the median of the last third of the samples against the median
 * of the first third. The load runs in chunks so the RSS series has a point every chunk.
 */

const CHUNK_S = 10;
export const SOAK_CONCURRENCY = 50;

export async function soak(load: BenchChild, gateway: { url: string; pid: number }, seconds: number): Promise<SoakResult> {
  const warmupS = Math.min(60, Math.max(10, Math.round(seconds / 10)));
  const run = (durationS: number) =>
    load.ask<LoadResult>({
      url: gateway.url,
      connections: SOAK_CONCURRENCY,
      durationS,
      plan: { kind: "operations", operations: SCENARIOS.customer.operations! },
    } satisfies LoadCommand);
  const warm = await run(warmupS);
  const baseline = memory(gateway.pid).rssKb;
  const series: Array<[number, number]> = [[0, baseline / 1024]];
  const sampler = sampleRss(gateway.pid, 1_000);
  let elapsed = 0;
  let requests = 0;
  let errors = warm.non2xx + warm.socketErrors + warm.reportedErrors;
  while (elapsed < seconds) {
    const chunk = Math.min(CHUNK_S, seconds - elapsed);
    const result = await run(chunk);
    elapsed += chunk;
    requests += result.requests;
    errors += result.non2xx + result.socketErrors + result.reportedErrors;
    series.push([elapsed, memory(gateway.pid).rssKb / 1024]);
  }
  const { peakKb } = sampler.stop();
  const third = Math.max(1, Math.floor(series.length / 3));
  const first = median(series.slice(0, third).map(([, mb]) => mb));
  const last = median(series.slice(-third).map(([, mb]) => mb));
  return {
    seconds,
    concurrency: SOAK_CONCURRENCY,
    warmupS,
    rssAfterWarmupMb: first,
    rssAtEndMb: last,
    peakRssMb: peakKb / 1024,
    growth: last / first - 1,
    reqPerSec: requests / seconds,
    errors,
    series,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
