import { DEFAULT_UPSTREAM } from "../src/config/source-options.js";
import type { SyncSummary } from "../src/sync/sync-job.js";
import { BenchChild } from "./children.js";
import type { GatewayInput, GatewayReady, SyncRun } from "./gateway-process.js";
import { cpuMs, sampleRss } from "./proc-stats.js";
import type { TargetCheck } from "./results.js";
import { VendorsControl } from "./vendors-control.js";
import type { LoggedCall, VendorsInput, VendorsReady, World } from "./vendors-process.js";

/**
 * Issue 16's sync scenario: N synthetic customers (each with an account at Sofar, Cryptolens and FlashStart, and
 * the demo's customers at every source), one run of every source's sync at once, on a fresh gateway with the
 * upstream limits it ships with. Recorded: the run's duration, the vendor calls (per vendor, and the most in flight
 * at once, against the source's `maxConcurrent`), the gateway's CPU and its peak RSS during the run. Run at two
 * sizes, the sync's memory should not grow with the number of customers: it reads `accountsPerBatch` at a time.
 */
export interface SyncFigures {
  customers: number;
  durationMs: number;
  summaries: SyncSummary[];
  calls: { total: number; byVendor: Record<string, number>; maxInFlightByVendor: Record<string, number> };
  /** `resilience.maxConcurrent` of every source in this run (the gateway's default). */
  maxConcurrent: number;
  gatewayCpuMs: number;
  /** Peak VmRSS sampled during the run, and VmRSS just before it. */
  peakRssMb: number;
  rssBeforeMb: number;
}

export async function measureSync(customers: number, latencyMs: number, logDir: string): Promise<SyncFigures> {
  const vendorsChild = await BenchChild.start<VendorsReady>(
    `sync-vendors-${customers}`,
    "./vendors-process.ts",
    { latencyMs, syntheticCustomers: customers } satisfies VendorsInput,
    logDir,
  );
  let gateway: BenchChild<GatewayReady> | undefined;
  try {
    const vendors = new VendorsControl(vendorsChild.ready.controlUrl);
    const world: World = await vendors.world();
    const input: GatewayInput = {
      sources: world.sources,
      cache: { enabled: true },
      customersFrom: vendorsChild.ready.controlUrl,
      sync: true,
      name: `sync-${customers}`,
    };
    gateway = await BenchChild.start<GatewayReady>(`gateway-sync-${customers}`, "./gateway-process.ts", input, logDir);
    await vendors.reset();
    const rss = sampleRss(gateway.pid, 50);
    const cpuBefore = cpuMs(gateway.pid);
    const run = await gateway.ask<SyncRun>({ sync: "all" });
    const gatewayCpuMs = cpuMs(gateway.pid) - cpuBefore;
    const sampled = rss.stop();
    const calls = await vendors.calls(true);
    return {
      customers,
      durationMs: run.durationMs,
      summaries: run.summaries,
      calls: { total: calls.total, byVendor: calls.byVendor, maxInFlightByVendor: maxInFlight(calls.records ?? []) },
      maxConcurrent: DEFAULT_UPSTREAM.maxConcurrent,
      gatewayCpuMs,
      peakRssMb: sampled.peakKb / 1024,
      rssBeforeMb: (sampled.samplesKb[0] ?? 0) / 1024,
    };
  } finally {
    await gateway?.stop();
    await vendorsChild.stop();
  }
}

/** The most calls each vendor had in flight at once, from the calls' arrival and end times. */
export function maxInFlight(records: readonly LoggedCall[]): Record<string, number> {
  const edges = new Map<string, Array<[number, number]>>();
  for (const r of records) {
    const list = edges.get(r.vendor) ?? [];
    list.push([r.at, 1], [r.endedAt ?? r.at, -1]);
    edges.set(r.vendor, list);
  }
  const out: Record<string, number> = {};
  for (const [vendor, list] of edges) {
    // Ends before starts at the same instant: a call that ended as another began did not overlap it.
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let most = 0;
    for (const [, delta] of list) most = Math.max(most, (now += delta));
    out[vendor] = most;
  }
  return out;
}

/** What the sync scenario must show (issue 16): every source synced, within its limits, in bounded memory. */
export function syncTargets(runs: readonly SyncFigures[] | undefined): TargetCheck[] {
  if (!runs || runs.length === 0) return [];
  const checks: TargetCheck[] = [];
  for (const f of runs) {
    const failed = f.summaries.filter((s) => !s.ok).map((s) => s.source);
    checks.push({
      name: `sync of ${f.customers} customers: every source read whole`,
      verdict: failed.length === 0 ? "PASS" : "FAIL",
      value: failed.length === 0 ? `${f.summaries.length} sources in ${Math.round(f.durationMs)} ms` : `failed: ${failed.join(", ")}`,
      goal: "no failure",
    });
    const most = Math.max(0, ...Object.values(f.calls.maxInFlightByVendor));
    checks.push({
      name: `sync of ${f.customers} customers: vendor calls in flight at once`,
      verdict: most <= f.maxConcurrent ? "PASS" : "FAIL",
      value: `at most ${most}`,
      goal: `<= ${f.maxConcurrent} (maxConcurrent)`,
    });
  }
  const largest = runs.reduce((a, b) => (b.customers > a.customers ? b : a));
  checks.push({
    name: `sync of ${largest.customers} customers: gateway peak RSS during the run`,
    verdict: largest.peakRssMb <= SYNC_PEAK_RSS_MB ? "PASS" : "FAIL",
    value: `${Math.round(largest.peakRssMb)} MiB (${Math.round(largest.rssBeforeMb)} before)`,
    goal: `<= ${SYNC_PEAK_RSS_MB} MiB`,
  });
  return checks;
}

/** The same bound as the gateway's RSS under load (issue 14): the sync must not need more than serving does. */
const SYNC_PEAK_RSS_MB = 300;
