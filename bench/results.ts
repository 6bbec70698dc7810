import type { SyncFigures } from "./sync-scenario.js";
import type { QuietCheck } from "./quiet-machine.js";
import type { LoadResult } from "./load-process.js";
import type { BenchOptions } from "./options.js";
import type { CallShape } from "./references/call-graph.js";
import type { VariantId } from "./references/gateway-variants.js";
import type { HiveVariantId } from "./references/hive-variants.js";
import type { ScenarioId } from "./scenarios.js";

/** The shape of bench/results.json. Times in ms, memory in MiB, rates per second. */

/** What is measured: one of the gateways, the bare node:http server, or one of the Hive Gateway references. */
export type TargetId = VariantId | "bare" | HiveVariantId;

/** Whatever answers GraphQL in the run: the gateways and Hive. */
export type GraphQLTargetId = VariantId | HiveVariantId;

/** One operation of a scenario run alone, after one unmeasured run of it (tokens fetched, connections open). */
export interface IsolatedOperation extends CallShape {
  status: number;
  /** Wall time of the operation seen by the client. */
  latencyMs: number;
  bytes: number;
  /** Set when the response carried errors: the run is broken. */
  failure?: string;
}

/** The scenario's operations run alone, averaged (the customer scenario has three, the claim two). */
export interface IsolatedRun {
  calls: number;
  distinctCalls: number;
  duplicates: number;
  depth: number;
  criticalPathMs: number;
  latencyMs: number;
  operations: IsolatedOperation[];
}

export interface Measurement {
  scenario: ScenarioId;
  target: TargetId;
  concurrency: number;
  load: LoadResult;
  /** Requests sent, the in-flight ones at the end included: the work the CPU and call counts below cover. */
  operations: number;
  upstreamCallsPerOp: number | null;
  cpuMsPerOp: number;
  /**
   * The simulators' and the load generator's CPU per operation over the same window: they share the machine's
   * cores with the target, so they bound what any gateway could do here (see the budget in targets.ts).
   */
  vendorsCpuMsPerOp: number;
  loadCpuMsPerOp: number;
  /** Highest VmRSS sampled during the measurement. */
  peakRssMb: number;
  /**
   * False when fewer than two responses per client came back: one operation takes about as long as the whole
   * measurement, so its figures describe a backlog draining, not a steady state (marked * in the tables).
   */
  steady: boolean;
}

export interface TargetCheck {
  name: string;
  /** "n/a" when the run did not measure what it needs (a scenario or concurrency left out). */
  verdict: "PASS" | "FAIL" | "n/a";
  value: string;
  goal: string;
}

export interface SoakResult {
  seconds: number;
  concurrency: number;
  warmupS: number;
  /** Median RSS of the first third of the samples after the warm-up. */
  rssAfterWarmupMb: number;
  /** Median RSS of the last third of the samples. */
  rssAtEndMb: number;
  peakRssMb: number;
  growth: number;
  reqPerSec: number;
  errors: number;
  /** [seconds since the soak started, RSS MiB] every few seconds. */
  series: Array<[number, number]>;
}

/** Per process, at its end. */
export interface ProcessStats {
  /** VmHWM: the highest RSS of its whole life. */
  peakRssMb: number;
  /** Lines it logged (warnings and errors; the gateway logs at warn, Hive at warn). */
  logLines: number;
  logFile: string;
  /** Hive only: from spawning its node process to its first good answer to a `sofar1` query (see DemoStart). */
  startToFirstAnswerMs?: number;
  /** Hive only: VmRSS once it is idle after that first answer. */
  idleRssMb?: number;
}

/**
 * The demo started as `npm start` runs it (bench/startup.ts), `startRuns` times: from the spawn of its node
 * process to its first good answer, and its VmRSS once idle after it. `error` when it did not start.
 */
export interface DemoStart {
  command: string;
  firstAnswerMs?: number[];
  idleRssMb?: number[];
  medianFirstAnswerMs?: number;
  medianIdleRssMb?: number;
  /** The machine's load when the starts were timed (quiet-machine.ts). */
  machine?: QuietCheck;
  error?: string;
}

/** The Hive Gateway reference: whether it ran, and if not, why. */
export interface HiveSummary {
  /**
   * "measured"; "not installed" (npm could not install it), "failed" (installed, but composing or starting it
   * failed): the run went on without it; "off" (`--hive off`); "not asked" (neither sofar1 nor sofar20 ran).
   */
  status: "measured" | "not installed" | "failed" | "off" | "not asked";
  reason?: string;
  /** The pinned versions asked of npm. */
  packages: Record<string, string>;
  /** The versions found installed. */
  versions?: Record<string, string>;
  installDir?: string;
  /** False when an earlier run's install was reused. */
  installedNow?: boolean;
  installMs?: number;
  /** mesh-compose over the Eniris simulator's OpenAPI document. */
  composeMs?: number;
  /** Per scenario and Hive variant: whether each answer, run alone, carried the gateway's licenses. */
  sameLicenses?: Partial<Record<ScenarioId, Partial<Record<HiveVariantId, { customers: number; differences: string[] }>>>>;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  commit: string;
  machine: { cpus: number; cpuModel: string; node: string; kernel: string };
  /** 1-minute load average at the start and the end: other work on the machine shows here. */
  loadAverage: { start: number; end: number };
  options: BenchOptions;
  upstream: { connections: number; maxConcurrent: number };
  scenarios: Partial<Record<ScenarioId, { title: string; description: string; isolated: Partial<Record<GraphQLTargetId, IsolatedRun>> }>>;
  measurements: Measurement[];
  processes: Partial<Record<TargetId, ProcessStats>>;
  /** Absent in results written before the Hive reference existed. */
  hive?: HiveSummary;
  /** Absent with `--start-runs 0`, and in results written before it existed. */
  demoStart?: DemoStart;
  soak?: SoakResult;
  /** Issue 16's sync scenario, one entry per number of customers; absent with `--sync none`. */
  sync?: SyncFigures[];
  targets: TargetCheck[];
  /** Why the run is broken (a process failed, an operation reported errors); empty for a sound run. */
  broken: string[];
}
