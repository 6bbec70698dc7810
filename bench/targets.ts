import type { BenchResults, Measurement, TargetCheck, TargetId } from "./results.js";
import { fmt } from "./format.js";
import type { ScenarioId } from "./scenarios.js";

/**
 * Issue 5's targets, judged as ratios against references measured in the same run, so they hold on a noisy
 * machine. A missed target is reported, never an exit code: only a broken run fails the process.
 */

/** The targets are stated at 50 concurrent clients; a run without 50 is judged at the nearest concurrency. */
export const TARGET_CONCURRENCY = 50;

export const GOALS = {
  duplicates: 0,
  p50OverCriticalPath: 1.2,
  cpuMsPerOp: 1,
  cachedShareOfBare: 0.5,
  soakGrowth: 0.1,
} as const;

export function judgedConcurrency(concurrency: readonly number[]): number | undefined {
  return [...concurrency].sort((a, b) => Math.abs(a - TARGET_CONCURRENCY) - Math.abs(b - TARGET_CONCURRENCY))[0];
}

export function find(r: BenchResults, scenario: ScenarioId, target: TargetId, concurrency: number | undefined): Measurement | undefined {
  return r.measurements.find((m) => m.scenario === scenario && m.target === target && m.concurrency === concurrency);
}

/**
 * Whether a latency target is within this machine's reach at all. At p50 = goal x critical path, `clients`
 * closed-loop clients send about clients / latency operations a second, and every process on the machine (the
 * gateway, the simulators, the load generator) must fit its CPU per operation into the cores' time:
 * budget = cores x goal x critical path / clients. When the simulators and the load generator alone use the
 * budget, no gateway could meet the target here; the note says so with the figures.
 */
export function machineBudgetMsPerOp(cpus: number, criticalPathMs: number, clients: number): number {
  return (cpus * GOALS.p50OverCriticalPath * criticalPathMs) / clients;
}

function budgetNote(cpus: number, criticalPathMs: number, m: Measurement): string {
  if (m.vendorsCpuMsPerOp === undefined) return "";
  const budget = machineBudgetMsPerOp(cpus, criticalPathMs, m.concurrency);
  const others = m.vendorsCpuMsPerOp + m.loadCpuMsPerOp;
  const left = budget - others;
  return left <= 0
    ? `; out of reach on this machine: at ${GOALS.p50OverCriticalPath}x its ${cpus} cores give ${fmt(budget)} ms CPU per op to all processes, the simulators and load generator alone use ${fmt(others)}`
    : `; at ${GOALS.p50OverCriticalPath}x its ${cpus} cores give ${fmt(budget)} ms CPU per op to all processes: ${fmt(left)} left for the gateway after the simulators and load generator (${fmt(others)}), it used ${fmt(m.cpuMsPerOp)}`;
}

export function checkTargets(r: BenchResults): TargetCheck[] {
  const c = judgedConcurrency(r.options.concurrency);
  const at = `${c ?? "?"} clients`;
  const checks: TargetCheck[] = [];
  const na = (name: string, goal: string): TargetCheck => ({ name, verdict: "n/a", value: "not measured", goal });
  const judge = (name: string, ok: boolean, value: string, goal: string): TargetCheck => ({
    name,
    verdict: ok ? "PASS" : "FAIL",
    value,
    goal,
  });

  for (const id of r.options.scenarios) {
    const alone = r.scenarios[id]?.isolated.uncached;
    const name = `${id}: duplicate upstream calls per op (cache off, alone)`;
    checks.push(
      alone
        ? judge(name, alone.duplicates <= GOALS.duplicates, `${fmt(alone.duplicates)} of ${fmt(alone.calls)} calls`, "0")
        : na(name, "0"),
    );
  }

  for (const id of r.options.scenarios) {
    const critical = r.scenarios[id]?.isolated.uncached?.criticalPathMs;
    for (const target of ["uncached", "cached"] as const) {
      const name = `${id}: p50 at ${at} / critical path (${target === "uncached" ? "cache off" : "cache on, for reference"})`;
      const m = find(r, id, target, c);
      const goal = `<= ${GOALS.p50OverCriticalPath}x`;
      if (!m || critical === undefined) checks.push(na(name, goal));
      else if (m.load.requests === 0)
        checks.push({ name, verdict: "FAIL", value: `no answer within the ${m.load.durationS.toFixed(0)} s measurement`, goal });
      else if (critical <= 0) checks.push({ name, verdict: "n/a", value: `no upstream calls (p50 ${fmt(m.load.latencyMs.p50)} ms)`, goal });
      else {
        const ratio = m.load.latencyMs.p50 / critical;
        const ok = ratio <= GOALS.p50OverCriticalPath;
        const value = `${ratio.toFixed(2)}x (${fmt(m.load.latencyMs.p50)} / ${fmt(critical)} ms)`;
        checks.push(judge(name, ok, ok ? value : `${value}${budgetNote(r.machine.cpus, critical, m)}`, goal));
      }
    }
  }

  for (const target of ["uncached", "cached"] as const) {
    const name = `customer: gateway CPU per op at ${at} (${target === "uncached" ? "cache off" : "cache on"})`;
    const m = find(r, "customer", target, c);
    const goal = `<= ${GOALS.cpuMsPerOp} ms`;
    checks.push(m ? judge(name, m.cpuMsPerOp <= GOALS.cpuMsPerOp, `${m.cpuMsPerOp.toFixed(2)} ms`, goal) : na(name, goal));
  }

  {
    const name = `repeated: cached req/s / bare node:http req/s at ${at}`;
    const gateway = find(r, "repeated", "cached", c);
    const bare = find(r, "repeated", "bare", c);
    const goal = `>= ${GOALS.cachedShareOfBare * 100}%`;
    if (!gateway || !bare) checks.push(na(name, goal));
    else {
      const share = gateway.load.reqPerSec / bare.load.reqPerSec;
      checks.push(
        judge(
          name,
          share >= GOALS.cachedShareOfBare,
          `${(share * 100).toFixed(0)}% (${fmt(gateway.load.reqPerSec)} / ${fmt(bare.load.reqPerSec)})`,
          goal,
        ),
      );
    }
  }

  {
    const name = "soak: RSS growth of the one-customer scenario after warm-up";
    const goal = `< ${GOALS.soakGrowth * 100}%`;
    const soak = r.soak;
    checks.push(
      soak
        ? judge(
            name,
            soak.growth < GOALS.soakGrowth,
            `${(soak.growth * 100).toFixed(1)}% over ${soak.seconds} s (${fmt(soak.rssAfterWarmupMb)} -> ${fmt(soak.rssAtEndMb)} MiB)`,
            goal,
          )
        : { name, verdict: "n/a", value: "no --soak", goal },
    );
  }
  return checks;
}
