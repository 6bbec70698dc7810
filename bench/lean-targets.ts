import { fmt } from "./format.js";
import type { VariantId } from "./references/gateway-variants.js";
import { VARIANTS } from "./references/gateway-variants.js";
import { HIVE_VARIANTS } from "./references/hive-variants.js";
import type { BenchResults, Measurement, TargetCheck } from "./results.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";
import type { QuietCheck } from "./quiet-machine.js";
import { find } from "./targets.js";

/**
 * Issue 14's targets: the gateway against Hive Gateway measured in the same run (cache off unless said), the
 * upstream calls an operation makes, and the gateway's own footprint: the demo's start and idle RSS as
 * `npm start` runs it (bench/startup.ts), and the bench gateways' peak RSS under load. The Hive ratios are "n/a"
 * with the reason when Hive was not measured.
 */

export const LEAN_GOALS = {
  /** Gateway CPU per sofar1 operation / Hive's, at most. */
  cpuShareOfHive: 0.5,
  /** Gateway req/s / Hive's, at least; and p50 at most Hive's. */
  reqPerSecOverHive: 1,
  /** Cached gateway req/s on sofar1 / "hive cached", at least. */
  cachedOverHiveCached: 3,
  idleRssMb: 200,
  peakRssMb: 300,
  startToFirstAnswerMs: 1500,
} as const;

/** The Hive comparisons are stated at 20 clients; a run without 20 is judged at the nearest concurrency. */
export const HIVE_CONCURRENCY = 20;

/** The gateway variants whose RSS under load is judged: the defaults (what `npm start` runs) and the cache-off one. */
const UNDER_LOAD_VARIANTS: VariantId[] = ["cached", "uncached"];

export function leanTargets(r: BenchResults): TargetCheck[] {
  const c = [...r.options.concurrency].sort((a, b) => Math.abs(a - HIVE_CONCURRENCY) - Math.abs(b - HIVE_CONCURRENCY))[0];
  const at = `${c ?? "?"} clients`;
  const checks: TargetCheck[] = [];
  const judge = (name: string, ok: boolean, value: string, goal: string): TargetCheck => ({
    name,
    verdict: ok ? "PASS" : "FAIL",
    value,
    goal,
  });
  // The reason is in results.hive and the report's Hive line; a target's value only says which case it is.
  const hiveMissing = r.hive?.status === "measured" ? undefined : `Hive ${r.hive?.status ?? "not part of this run"}`;
  const pair = (id: ScenarioId, ours: VariantId, theirs: "hive" | "hiveCached"): [Measurement, Measurement] | string => {
    if (hiveMissing) return hiveMissing;
    const a = find(r, id, ours, c);
    const b = find(r, id, theirs, c);
    return a && b ? [a, b] : "not measured";
  };
  const na = (name: string, why: string, goal: string): TargetCheck => ({ name, verdict: "n/a", value: why, goal });

  for (const id of r.options.scenarios) {
    const keys = SCENARIOS[id].upstreamKeys;
    const alone = r.scenarios[id]?.isolated.uncached;
    if (keys === undefined) continue;
    const name = `${id}: upstream calls per op = the distinct keys it needs (cache off, alone)`;
    const goal = `${keys}, none repeated`;
    checks.push(
      alone
        ? judge(name, alone.calls === keys && alone.duplicates === 0, `${fmt(alone.calls)} calls, ${fmt(alone.duplicates)} repeated`, goal)
        : na(name, "not measured", goal),
    );
  }

  if (r.options.scenarios.includes("sofar1")) {
    const name = `sofar1: gateway CPU per op / Hive's at ${at} (cache off)`;
    const goal = `<= ${LEAN_GOALS.cpuShareOfHive}x`;
    const p = pair("sofar1", "uncached", "hive");
    if (typeof p === "string") checks.push(na(name, p, goal));
    else {
      const [ours, theirs] = p;
      const ratio = ours.cpuMsPerOp / theirs.cpuMsPerOp;
      checks.push(
        judge(
          name,
          ratio <= LEAN_GOALS.cpuShareOfHive,
          `${ratio.toFixed(2)}x (${fmt(ours.cpuMsPerOp)} / ${fmt(theirs.cpuMsPerOp)} ms)`,
          goal,
        ),
      );
    }
  }

  for (const id of ["sofar1", "sofar20"] as const) {
    if (!r.options.scenarios.includes(id)) continue;
    const p = pair(id, "uncached", "hive");
    const reqName = `${id}: gateway req/s / Hive's at ${at} (cache off)`;
    const reqGoal = `>= ${LEAN_GOALS.reqPerSecOverHive}x`;
    const p50Name = `${id}: gateway p50 vs Hive's at ${at} (cache off)`;
    const p50Goal = "<= Hive's";
    if (typeof p === "string") {
      checks.push(na(reqName, p, reqGoal), na(p50Name, p, p50Goal));
      continue;
    }
    const [ours, theirs] = p;
    const ratio = ours.load.reqPerSec / theirs.load.reqPerSec;
    checks.push(
      judge(
        reqName,
        ratio >= LEAN_GOALS.reqPerSecOverHive,
        `${ratio.toFixed(2)}x (${fmt(ours.load.reqPerSec)} / ${fmt(theirs.load.reqPerSec)})`,
        reqGoal,
      ),
    );
    checks.push(
      judge(
        p50Name,
        ours.load.latencyMs.p50 <= theirs.load.latencyMs.p50,
        `${fmt(ours.load.latencyMs.p50)} / ${fmt(theirs.load.latencyMs.p50)} ms`,
        p50Goal,
      ),
    );
  }

  if (r.options.scenarios.includes("sofar1")) {
    const name = `sofar1: cached gateway req/s / ${HIVE_VARIANTS.hiveCached.label}'s at ${at}`;
    const goal = `>= ${LEAN_GOALS.cachedOverHiveCached}x`;
    const p = pair("sofar1", "cached", "hiveCached");
    if (typeof p === "string") checks.push(na(name, p, goal));
    else {
      const [ours, theirs] = p;
      const ratio = ours.load.reqPerSec / theirs.load.reqPerSec;
      checks.push(
        judge(
          name,
          ratio >= LEAN_GOALS.cachedOverHiveCached,
          `${ratio.toFixed(2)}x (${fmt(ours.load.reqPerSec)} / ${fmt(theirs.load.reqPerSec)})`,
          goal,
        ),
      );
    }
  }

  const demo = r.demoStart;
  const demoWhy = !demo
    ? "not measured (--start-runs 0)"
    : demo.error !== undefined
      ? `did not start: ${demo.error.split("\n")[0]}`
      : undefined;
  const startName = "demo: spawn to first answer (median of its starts)";
  const startGoal = `<= ${LEAN_GOALS.startToFirstAnswerMs} ms`;
  const idleName = "demo: RSS idle after its first answer (median)";
  const idleGoal = `<= ${LEAN_GOALS.idleRssMb} MiB`;
  if (demoWhy !== undefined || demo?.medianFirstAnswerMs === undefined || demo.medianIdleRssMb === undefined) {
    checks.push(na(startName, demoWhy ?? "not measured", startGoal), na(idleName, demoWhy ?? "not measured", idleGoal));
  } else {
    const runs = (values: number[] | undefined) => (values ?? []).map((v) => fmt(v)).join(", ");
    checks.push(
      judge(
        startName,
        demo.medianFirstAnswerMs <= LEAN_GOALS.startToFirstAnswerMs,
        `${fmt(demo.medianFirstAnswerMs)} ms (${runs(demo.firstAnswerMs)})${machineNote(demo.machine)}`,
        startGoal,
      ),
      judge(idleName, demo.medianIdleRssMb <= LEAN_GOALS.idleRssMb, `${fmt(demo.medianIdleRssMb)} MiB (${runs(demo.idleRssMb)})`, idleGoal),
    );
  }

  for (const id of UNDER_LOAD_VARIANTS) {
    const p = r.processes[id];
    const name = `"${VARIANTS[id].label}": peak RSS over its measurements (VmHWM)`;
    const goal = `<= ${LEAN_GOALS.peakRssMb} MiB`;
    checks.push(p ? judge(name, p.peakRssMb <= LEAN_GOALS.peakRssMb, `${fmt(p.peakRssMb)} MiB`, goal) : na(name, "not measured", goal));
  }
  return checks;
}

/** How busy the machine was when the demo's starts were timed: a busy one inflates the figure. */
function machineNote(machine: QuietCheck | undefined): string {
  if (!machine) return "";
  const at = `load average ${machine.loadAverage.toFixed(1)}`;
  return machine.quiet ? `, ${at}` : `, ${at}: machine busy, waited ${Math.round(machine.waitedS)} s`;
}
