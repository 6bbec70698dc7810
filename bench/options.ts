import { parseArgs } from "node:util";
import { BENCH_UPSTREAM } from "./references/gateway-variants.js";
import { SCENARIO_IDS, type ScenarioId } from "./scenarios.js";

export interface BenchOptions {
  /** Delay the simulators add to every upstream call. Default 20 ms. */
  latencyMs: number;
  /** Each measurement, after its warm-up. Default 5 s; 1 s with --quick. */
  durationS: number;
  /** Load before each measurement, not counted. Default 1 s; 0.5 s with --quick. */
  warmupS: number;
  /** Concurrent clients. Default 1,10,50,100; 1,10 with --quick. */
  concurrency: number[];
  /** The no-batching reference only runs up to this many clients (it makes several times the calls). Default 10; 1 with --quick. */
  unbatchedMaxConcurrency: number;
  scenarios: ScenarioId[];
  /** Seconds of the one-customer scenario after a warm-up, watching RSS; 0 (the default) skips it. */
  soakS: number;
  /** Customers of the sync scenario's runs (issue 16), e.g. [100, 1000]; empty skips it. Default 100,1000; 20 with --quick. */
  syncCustomers: number[];
  /** Where results.json, results.md and latency.svg go. Default bench/. */
  outDir: string;
  quick: boolean;
  /** The gateways' store: `memory://` (embedded SQLite in memory, the default) or a PostgreSQL URL (a schema per gateway). */
  storeUrl: string;
  /** Run each gateway with --cpu-prof; the profiles land in the log directory. Off by default (it slows the gateway). */
  cpuProf: boolean;
  /**
   * Every source's `connections` and `resilience.maxConcurrent`; undefined (`--upstream defaults`) leaves the
   * gateway's own defaults. Default 256:256 (see BENCH_UPSTREAM).
   */
  upstream: { connections: number; maxConcurrent: number } | undefined;
  /**
   * Measure the Hive Gateway reference (installed from npm into a scratch folder the first time) on the sofar1 and
   * sofar20 scenarios. Default on; `--hive off` skips it (offline, or to save the time).
   */
  hive: boolean;
  /**
   * Starts of the demo as `npm start` runs it (bench/startup.ts), timed to its first answer, before anything else.
   * Default 3; 1 with --quick; 0 skips them.
   */
  startRuns: number;
}

export const USAGE = `npm run bench -- [options]
  --latency <ms>         upstream latency per call (20)
  --duration <s>         seconds per measurement (5; --quick: 1)
  --warmup <s>           seconds of load before each measurement (1; --quick: 0.5)
  --concurrency <list>   concurrent clients, e.g. 1,10,50,100 (the default; --quick: 1,10)
  --unbatched-max <n>    highest concurrency for the no-batching reference (10; --quick: 1)
  --scenarios <list>     ${SCENARIO_IDS.join(",")} (all), or none (with --soak)
  --soak <s>             also run the one-customer scenario this long at 50 clients and report RSS growth (off)
  --sync <list>          the license index's sync of every source, once per number of customers (100,1000; --quick: 20; none)
  --store <url>          the gateways' store: memory:// (embedded SQLite) or postgres://... (memory://)
  --out <dir>            where results.json, results.md and latency.svg go (bench)
  --quick                a short smoke run of the whole harness
  --cpu-prof             write V8 CPU profiles of each gateway process to the log directory (slows it down)
  --upstream <c>:<m>     every source's connections and resilience.maxConcurrent, or "defaults" for the gateway's (256:256)
  --hive <on|off>        measure Hive Gateway on sofar1 and sofar20, installing it from npm the first time (on)
  --start-runs <n>       starts of the built demo timed to its first answer, before the rest (3; --quick: 1; 0: none)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      latency: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      concurrency: { type: "string" },
      "unbatched-max": { type: "string" },
      scenarios: { type: "string" },
      soak: { type: "string" },
      sync: { type: "string" },
      out: { type: "string" },
      store: { type: "string" },
      quick: { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      upstream: { type: "string" },
      hive: { type: "string" },
      "start-runs": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const number = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const concurrency = (values.concurrency ?? (quick ? "1,10" : "1,10,50,100")).split(",").map((c) => number("concurrency", c.trim(), 0, 1));
  const scenarios = values.scenarios === "none" ? [] : (values.scenarios?.split(",").map((s) => s.trim()) ?? [...SCENARIO_IDS]);
  for (const s of scenarios) {
    if (!SCENARIO_IDS.includes(s as ScenarioId))
      throw new Error(`--scenarios: unknown scenario ${JSON.stringify(s)}; known: ${SCENARIO_IDS.join(", ")}`);
  }
  return {
    latencyMs: number("latency", values.latency, 20, 0),
    durationS: number("duration", values.duration, quick ? 1 : 5, 0.5),
    warmupS: number("warmup", values.warmup, quick ? 0.5 : 1, 0),
    concurrency: [...new Set(concurrency.map(Math.round))].sort((a, b) => a - b),
    unbatchedMaxConcurrency: number("unbatched-max", values["unbatched-max"], quick ? 1 : 10, 1),
    scenarios: scenarios as ScenarioId[],
    soakS: number("soak", values.soak, 0, 0),
    syncCustomers: syncSizes(values.sync, quick),
    outDir: values.out ?? "bench",
    storeUrl: storeUrl(values.store),
    quick,
    cpuProf: values["cpu-prof"] ?? false,
    upstream: upstream(values.upstream),
    hive: onOff("hive", values.hive, true),
    startRuns: Math.round(number("start-runs", values["start-runs"], quick ? 1 : 3, 0)),
  };
}

function onOff(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  if (raw !== "on" && raw !== "off") throw new Error(`--${name} must be on or off, got ${JSON.stringify(raw)}`);
  return raw === "on";
}

function upstream(raw: string | undefined): BenchOptions["upstream"] {
  if (raw === undefined) return { ...BENCH_UPSTREAM };
  if (raw === "defaults") return undefined;
  const match = /^(\d+):(\d+)$/.exec(raw);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1)
    throw new Error(`--upstream must be <connections>:<maxConcurrent> or defaults, got ${JSON.stringify(raw)}`);
  return { connections: Number(match[1]), maxConcurrent: Number(match[2]) };
}

function storeUrl(raw: string | undefined): string {
  if (raw === undefined) return "memory://";
  if (!/^(memory:\/\/$|postgres(ql)?:\/\/)/.test(raw))
    throw new Error(`--store must be memory:// or a postgres:// URL, got ${JSON.stringify(raw)}`);
  return raw;
}

function syncSizes(raw: string | undefined, quick: boolean): number[] {
  if (raw === undefined) return quick ? [20] : [100, 1000];
  if (raw === "none") return [];
  return raw.split(",").map((part) => {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1 || n > 5000)
      throw new Error(`--sync: each number of customers must be 1 to 5000, got ${JSON.stringify(part)}`);
    return n;
  });
}
