import type { SyncFigures } from "./sync-scenario.js";
import { redactUrl } from "../src/store/db.js";
import { fmt, markdownTable, textTable } from "./format.js";
import { VARIANTS } from "./references/gateway-variants.js";
import { HIVE_VARIANTS } from "./references/hive-variants.js";
import type { BenchResults, Measurement, TargetId } from "./results.js";
import { hiveComparisonRows, hiveStatusLine } from "./hive-report.js";
import { find, judgedConcurrency } from "./targets.js";

/** The tables the bench prints and writes to results.md, from results.json alone. */

const TARGET_LABEL: Record<TargetId, string> = {
  cached: VARIANTS.cached.label,
  uncached: VARIANTS.uncached.label,
  unbatched: VARIANTS.unbatched.label,
  hive: HIVE_VARIANTS.hive.label,
  hiveCached: HIVE_VARIANTS.hiveCached.label,
  bare: "bare node:http",
};

const TARGET_ORDER: TargetId[] = ["cached", "uncached", "unbatched", "hive", "hiveCached", "bare"];

function errorsOf(m: Measurement): number {
  return m.load.non2xx + m.load.socketErrors + m.load.reportedErrors;
}

function hitShare(m: Measurement): string {
  const total = Object.values(m.load.cacheStatus).reduce((a, b) => a + b, 0);
  const hits = m.load.cacheStatus.hit ?? 0;
  return total === 0 || m.target === "bare" || Object.keys(m.load.cacheStatus).every((k) => k === "none")
    ? "-"
    : `${Math.round((100 * hits) / total)}%`;
}

export function measurementRows(r: BenchResults): string[][] {
  const rows = [
    [
      "scenario",
      "gateway",
      "clients",
      "req/s",
      "p50 ms",
      "p99 ms",
      "calls/op",
      "CPU ms/op",
      "vendors + load CPU ms/op",
      "peak RSS MiB",
      "errors",
      "cache hits",
    ],
  ];
  const sorted = [...r.measurements].sort(
    (a, b) =>
      r.options.scenarios.indexOf(a.scenario) - r.options.scenarios.indexOf(b.scenario) ||
      TARGET_ORDER.indexOf(a.target) - TARGET_ORDER.indexOf(b.target) ||
      a.concurrency - b.concurrency,
  );
  for (const m of sorted) {
    rows.push([
      m.scenario,
      TARGET_LABEL[m.target],
      String(m.concurrency),
      `${fmt(m.load.reqPerSec)}${m.steady ? "" : "*"}`,
      fmt(m.load.latencyMs.p50),
      fmt(m.load.latencyMs.p99),
      m.upstreamCallsPerOp === null ? "-" : fmt(m.upstreamCallsPerOp),
      fmt(m.cpuMsPerOp),
      m.vendorsCpuMsPerOp === undefined ? "-" : `${fmt(m.vendorsCpuMsPerOp)} + ${fmt(m.loadCpuMsPerOp)}`,
      fmt(m.peakRssMb),
      String(errorsOf(m)),
      hitShare(m),
    ]);
  }
  return rows;
}

export function referenceRows(r: BenchResults): string[][] {
  const c = judgedConcurrency(r.options.concurrency);
  const rows = [
    [
      "scenario",
      "critical path ms",
      "chain depth",
      "alone ms",
      "calls/op alone",
      "duplicates",
      "calls/op no batching",
      `p50/crit @${c} off`,
      `p50/crit @${c} on`,
      `req/s vs bare @${c}`,
    ],
  ];
  for (const id of r.options.scenarios) {
    const iso = r.scenarios[id]?.isolated;
    const off = iso?.uncached;
    const ratio = (target: TargetId): string => {
      const m = find(r, id, target, c);
      return m && off && off.criticalPathMs > 0 ? `${(m.load.latencyMs.p50 / off.criticalPathMs).toFixed(2)}x` : "-";
    };
    const bare = find(r, id, "bare", c);
    const cached = find(r, id, "cached", c);
    rows.push([
      id,
      off ? fmt(off.criticalPathMs) : "-",
      off ? fmt(off.depth) : "-",
      off ? fmt(off.latencyMs) : "-",
      off ? fmt(off.calls) : "-",
      off ? fmt(off.duplicates) : "-",
      iso?.unbatched ? fmt(iso.unbatched.calls) : "-",
      ratio("uncached"),
      ratio("cached"),
      bare && cached ? `${Math.round((100 * cached.load.reqPerSec) / bare.load.reqPerSec)}%` : "-",
    ]);
  }
  return rows;
}

export function targetRows(r: BenchResults): string[][] {
  return [["target", "verdict", "value", "goal"], ...r.targets.map((t) => [t.name, t.verdict, t.value, t.goal])];
}

export function processRows(r: BenchResults): string[][] {
  const optional = (n: number | undefined) => (n === undefined ? "-" : fmt(n));
  const demo = r.demoStart;
  const demoRow =
    demo && demo.error === undefined
      ? [
          [
            `demo (\`${demo.command}\`, median of ${demo.firstAnswerMs?.length ?? 0})`,
            optional(demo.medianFirstAnswerMs),
            optional(demo.medianIdleRssMb),
            "-",
            "-",
          ],
        ]
      : [];
  return [
    ["process", "spawn to first answer ms", "idle RSS MiB", "peak RSS MiB (VmHWM)", "log lines"],
    ...demoRow,
    ...TARGET_ORDER.flatMap((id) => {
      const p = r.processes[id];
      return p ? [[TARGET_LABEL[id], optional(p.startToFirstAnswerMs), optional(p.idleRssMb), fmt(p.peakRssMb), String(p.logLines)]] : [];
    }),
  ];
}

export function printReport(r: BenchResults): string {
  const parts = [
    `license-gateway bench: ${r.machine.cpuModel}, ${r.machine.cpus} CPUs, node ${r.machine.node}, commit ${r.commit}`,
    `latency ${r.options.latencyMs} ms per upstream call, ${r.options.durationS} s per measurement after ${r.options.warmupS} s warm-up; ` +
      `load average ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end`,
    "",
    textTable(measurementRows(r)),
    "* fewer than two responses per client: one operation takes about as long as the measurement (a backlog, not a steady state)",
    "",
    "References (the critical path and the calls are from each operation run alone on the cache-off gateway):",
    textTable(referenceRows(r)),
    "",
    hiveStatusLine(r),
    ...(hiveComparisonRows(r).length > 1 ? [textTable(hiveComparisonRows(r))] : []),
    "",
    textTable(processRows(r)),
    "",
    textTable(targetRows(r)),
  ];
  if (r.soak) parts.push("", soakLine(r));
  if (r.sync?.length) parts.push("", "Sync (issue 16):", textTable(syncRows(r)));
  if (r.broken.length > 0) parts.push("", "BROKEN RUN:", ...r.broken.map((b) => `  - ${b}`));
  return parts.join("\n");
}

function soakLine(r: BenchResults): string {
  const s = r.soak!;
  return `Soak: ${s.seconds} s of "customer" at ${s.concurrency} clients after ${s.warmupS} s warm-up: RSS (median of the first third -> of the last third) ${fmt(s.rssAfterWarmupMb)} -> ${fmt(s.rssAtEndMb)} MiB (${(s.growth * 100).toFixed(1)}%), peak ${fmt(s.peakRssMb)} MiB, ${fmt(s.reqPerSec)} req/s, ${s.errors} errors.`;
}

/** results.md: the same tables in Markdown, with the run's particulars. README.md includes it between markers. */
export function markdownReport(r: BenchResults): string {
  const o = r.options;
  const parts = [
    `Run ${r.startedAt} on ${r.machine.cpuModel} (${r.machine.cpus} CPUs), Node ${r.machine.node}, Linux ${r.machine.kernel}, commit \`${r.commit}\`;` +
      ` load average ${r.loadAverage.start.toFixed(1)} at the start, ${r.loadAverage.end.toFixed(1)} at the end (other work on the machine).`,
    `Options: \`--latency ${o.latencyMs} --duration ${o.durationS} --warmup ${o.warmupS} --concurrency ${o.concurrency.join(",")}` +
      ` --unbatched-max ${o.unbatchedMaxConcurrency}${o.soakS > 0 ? ` --soak ${o.soakS}` : ""}${o.hive === false ? " --hive off" : ""}` +
      `${o.startRuns !== undefined && o.startRuns !== 3 ? ` --start-runs ${o.startRuns}` : ""}${o.storeUrl && o.storeUrl !== "memory://" ? ` --store ${redactUrl(o.storeUrl)}` : ""}\`` +
      `; upstream connections and maxConcurrent per source: ${r.upstream.connections} / ${r.upstream.maxConcurrent}.`,
    "",
    "### Targets",
    "",
    markdownTable(targetRows(r)),
    "",
    "### References",
    "",
    markdownTable(referenceRows(r)),
    "",
    "### Against Hive Gateway",
    "",
    hiveStatusLine(r),
    ...(hiveComparisonRows(r).length > 1 ? ["", markdownTable(hiveComparisonRows(r))] : []),
    "",
    "### Measurements",
    "",
    markdownTable(measurementRows(r)),
    "",
    "\\* fewer than two responses per client: one operation takes about as long as the measurement, so the row describes a backlog draining, not a steady state.",
    "",
    markdownTable(processRows(r)),
    "",
    "![p50 and p99 latency against concurrent clients](latency.svg)",
  ];
  if (r.soak) parts.push("", soakLine(r));
  if (r.sync?.length) {
    parts.push(
      "",
      "### Sync of the license index",
      "",
      "One run of every source's sync at once on a fresh gateway (its default upstream limits, `accountsPerBatch` 50), the synthetic " +
        "customers each with an account at Sofar, Cryptolens and FlashStart plus the demo's customers at every source. Calls and " +
        "the most in flight at once are counted at the simulators; RSS is sampled every 50 ms during the run.",
      "",
      markdownTable(syncRows(r)),
    );
  }
  if (r.broken.length > 0) parts.push("", "**Broken run:**", "", ...r.broken.map((b) => `- ${b.replace(/\n/g, " ")}`));
  return `${parts.join("\n")}\n`;
}

/** The sync scenario's figures, one row per number of customers. */
export function syncRows(r: BenchResults): string[][] {
  return [
    [
      "customers",
      "duration ms",
      "accounts",
      "licenses",
      "events",
      "vendor calls",
      "most in flight per vendor (limit)",
      "gateway CPU ms",
      "RSS before -> peak MiB",
    ],
    ...(r.sync ?? []).map((f) => [
      fmt(f.customers),
      fmt(f.durationMs),
      fmt(f.summaries.reduce((n, s) => n + s.accounts, 0)),
      fmt(f.summaries.reduce((n, s) => n + s.licenses, 0)),
      fmt(f.summaries.reduce((n, s) => n + s.events, 0)),
      `${fmt(f.calls.total)} (${Object.entries(f.calls.byVendor)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${v} ${fmt(n)}`)
        .join(", ")})`,
      `${Object.entries(f.calls.maxInFlightByVendor)
        .map(([v, n]) => `${v} ${n}`)
        .join(", ")} (${f.maxConcurrent})`,
      fmt(f.gatewayCpuMs),
      `${fmt(f.rssBeforeMb)} -> ${fmt(f.peakRssMb)}`,
    ]),
  ];
}

export function syncLine(f: SyncFigures): string {
  const events = f.summaries.reduce((n, s) => n + s.events, 0);
  return `${f.customers} customers: ${fmt(f.durationMs)} ms, ${fmt(f.calls.total)} vendor calls, ${fmt(events)} events, peak RSS ${fmt(f.peakRssMb)} MiB (${fmt(f.rssBeforeMb)} before), CPU ${fmt(f.gatewayCpuMs)} ms`;
}
