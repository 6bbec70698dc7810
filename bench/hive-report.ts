import { fmt } from "./format.js";
import type { BenchResults, Measurement } from "./results.js";
import { find } from "./targets.js";

/** The Hive Gateway part of the report: what ran (or why not), and the gateway beside Hive, row by row. */

export function hiveStatusLine(r: BenchResults): string {
  const h = r.hive;
  if (!h) return "Hive Gateway: not part of this run.";
  if (h.status === "off") return "Hive Gateway: off (`--hive off`).";
  if (h.status === "not asked") return "Hive Gateway: not asked (it answers the sofar1 and sofar20 scenarios only).";
  if (h.status !== "measured") return `Hive Gateway: NOT MEASURED (${h.status}): ${h.reason ?? "no reason given"}`;
  const versions = Object.entries(h.versions ?? {})
    .map(([name, version]) => `${name} ${version}`)
    .join(", ");
  const checks = Object.values(h.sameLicenses ?? {}).flatMap((byVariant) => Object.values(byVariant ?? {}));
  const differing = checks.filter((c) => c.differences.length > 0).length;
  const customers = Math.max(0, ...checks.map((c) => c.customers));
  return (
    `Hive Gateway measured (${versions}; ${h.installedNow ? `installed in ${fmt((h.installMs ?? 0) / 1000)} s` : "install reused"}, supergraph composed in ${fmt(h.composeMs ?? 0)} ms). ` +
    (differing === 0
      ? `Run alone, every answer carried the same licenses as the cache-off gateway's (${customers} customers per scenario).`
      : `${differing} of its scenario runs answered DIFFERENT licenses from the gateway's: see broken.`)
  );
}

/** Per sofar scenario and concurrency: the cache-off gateway against Hive, the cached gateway against "hive cached". */
export function hiveComparisonRows(r: BenchResults): string[][] {
  const rows = [
    [
      "scenario",
      "clients",
      "req/s cache off / hive",
      "p50 ms cache off / hive",
      "p99 ms cache off / hive",
      "CPU ms/op cache off / hive",
      "calls/op cache off / hive",
      "req/s gateway / hive cached",
    ],
  ];
  for (const id of r.options.scenarios) {
    for (const c of r.options.concurrency) {
      const hive = find(r, id, "hive", c);
      const hiveCached = find(r, id, "hiveCached", c);
      if (!hive && !hiveCached) continue;
      const off = find(r, id, "uncached", c);
      const on = find(r, id, "cached", c);
      rows.push([
        id,
        String(c),
        pair(off, hive, (m) => m.load.reqPerSec),
        pair(off, hive, (m) => m.load.latencyMs.p50),
        pair(off, hive, (m) => m.load.latencyMs.p99),
        pair(off, hive, (m) => m.cpuMsPerOp),
        pair(off, hive, (m) => m.upstreamCallsPerOp ?? Number.NaN),
        pair(on, hiveCached, (m) => m.load.reqPerSec),
      ]);
    }
  }
  return rows;
}

/** `ours / theirs (ratio x)`, or `-` for a side not measured. */
function pair(ours: Measurement | undefined, theirs: Measurement | undefined, pick: (m: Measurement) => number): string {
  const a = ours ? pick(ours) : undefined;
  const b = theirs ? pick(theirs) : undefined;
  const text = `${a === undefined ? "-" : fmt(a)} / ${b === undefined ? "-" : fmt(b)}`;
  return a !== undefined && b !== undefined && b > 0 ? `${text} (${(a / b).toFixed(2)}x)` : text;
}
