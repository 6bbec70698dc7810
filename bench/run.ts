import { execFileSync } from "node:child_process";
import { DEFAULT_UPSTREAM } from "../src/config/schema.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, release, tmpdir } from "node:os";
import { join } from "node:path";
import { latencyChart } from "./chart.js";
import { BenchChild, stopAll, stopChildrenOnExit } from "./children.js";
import type { GatewayReady } from "./gateway-process.js";
import { runIsolated } from "./isolated.js";
import { measure, type MeasureContext } from "./measure.js";
import { parseOptions, type BenchOptions } from "./options.js";
import { memory } from "./proc-stats.js";
import type { BareInput, BareReady, BareResponses } from "./references/bare-process.js";
import { gatewayInput, VARIANTS, type VariantId } from "./references/gateway-variants.js";
import { markdownReport, printReport } from "./report.js";
import type { BenchResults, Measurement } from "./results.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";
import { measureDemoStart } from "./demo-start.js";
import { runHive } from "./hive-run.js";
import { leanTargets } from "./lean-targets.js";
import { soak } from "./soak.js";
import { measureSync, syncTargets } from "./sync-scenario.js";
import { syncLine } from "./report.js";
import { checkTargets } from "./targets.js";
import { fmt } from "./format.js";
import { VendorsControl } from "./vendors-control.js";
import type { VendorsReady } from "./vendors-process.js";

/**
 * `npm run bench`: the vendor simulators, each gateway variant, Hive Gateway (on the sofar scenarios), the bare
 * server and the load generator, each in its own process; every scenario at every concurrency against each; then
 * the table, results.json, results.md, latency.svg, and the results section of bench/README.md. Exits non-zero
 * only for a broken run (a process that failed, an operation that answered with errors), never for a missed target.
 */

/** Customers added to the demo's three, as in test/e2e/federation-call-counts.test.ts. */
const SYNTHETIC_CUSTOMERS = 20;
/** The variants in the order they run: cache off first, its isolated runs are the references. */
const VARIANT_ORDER: VariantId[] = ["uncached", "cached", "unbatched"];
/**
 * What the no-batching reference runs: the reads batching is for. Without a cache "repeated" is "customer"
 * again, and a claim's few reads have nothing to batch.
 */
const UNBATCHED_SCENARIOS = new Set(["license", "customer", "customers20"]);
const README_START = "<!-- bench:results:start (written by `npm run bench`; do not edit by hand) -->";
const README_END = "<!-- bench:results:end -->";

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  stopChildrenOnExit();
  const logDir = mkdtempSync(join(tmpdir(), "license-gateway-bench-"));
  const results = emptyResults(options);
  log(`bench: logs in ${logDir}`);
  try {
    await runAll(options, logDir, results);
  } catch (error) {
    results.broken.push(error instanceof Error ? error.message : String(error));
  } finally {
    await stopAll();
  }
  results.finishedAt = new Date().toISOString();
  results.loadAverage.end = loadavg()[0]!;
  results.targets = [...checkTargets(results), ...leanTargets(results), ...syncTargets(results.sync)];
  write(options, results);
  console.log(printReport(results));
  console.log(`\nwrote ${options.outDir}/results.json, results.md, latency.svg; process logs in ${logDir}`);
  process.exit(results.broken.length > 0 ? 1 : 0);
}

async function runAll(options: BenchOptions, logDir: string, results: BenchResults): Promise<void> {
  if (options.startRuns > 0) {
    // First, while nothing else of the bench loads the machine.
    results.demoStart = await measureDemoStart(options.startRuns, log);
    if (results.demoStart.error !== undefined) results.broken.push(`the demo did not start: ${results.demoStart.error}`);
  }
  const vendorsChild = await BenchChild.start<VendorsReady>(
    "vendors",
    "./vendors-process.ts",
    { latencyMs: options.latencyMs, syntheticCustomers: SYNTHETIC_CUSTOMERS },
    logDir,
  );
  const vendors = new VendorsControl(vendorsChild.ready.controlUrl);
  const world = await vendors.world();
  const load = await BenchChild.start("load", "./load-process.ts", {}, logDir);
  const ctx: MeasureContext = {
    load,
    vendors,
    vendorsPid: vendorsChild.pid,
    world,
    durationS: options.durationS,
    warmupS: options.warmupS,
  };
  const scenarios = options.scenarios.map((id) => SCENARIOS[id]);
  const responses: BareResponses = {};
  const gatewayBodies: Partial<Record<ScenarioId, string[]>> = {};

  for (const variantId of VARIANT_ORDER) {
    if (scenarios.length === 0) break;
    // A gateway that no scenario of this run is for is not started.
    if (variantId === "unbatched" && !scenarios.some((s) => UNBATCHED_SCENARIOS.has(s.id))) continue;
    const variant = VARIANTS[variantId];
    const levels =
      variantId === "unbatched" ? options.concurrency.filter((c) => c <= options.unbatchedMaxConcurrency) : options.concurrency;
    // One directory per gateway: Node writes a profile per thread (tsx's loader runs on one of its own).
    const profile = options.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", join(logDir, `gateway-${variantId}-cpuprofiles`)] : [];
    const gateway = await BenchChild.start<GatewayReady>(
      `gateway-${variantId}`,
      "./gateway-process.ts",
      gatewayInput(variant, world, options.storeUrl, options.upstream),
      logDir,
      profile,
    );
    log(`\n${variant.label}: ${variant.description}`);
    for (const scenario of scenarios) {
      if (variantId === "unbatched" && !UNBATCHED_SCENARIOS.has(scenario.id)) continue;
      const { run, response, bodies } = await runIsolated(gateway.ready.url, scenario, vendors, world, options.latencyMs);
      const entry = (results.scenarios[scenario.id] ??= { title: scenario.title, description: scenario.description, isolated: {} });
      entry.isolated[variantId] = run;
      responses[scenario.id] ??= response;
      if (variantId === "uncached") gatewayBodies[scenario.id] = bodies;
      for (const op of run.operations)
        if (op.failure) results.broken.push(`${scenario.id} on ${variant.label}, alone: HTTP ${op.status}: ${op.failure}`);
      log(
        `  ${scenario.id} alone: ${fmt(run.calls)} calls (${fmt(run.duplicates)} repeated), depth ${fmt(run.depth)}, critical path ${fmt(run.criticalPathMs)} ms, answered in ${fmt(run.latencyMs)} ms`,
      );
      for (const c of levels) record(results, await measure(ctx, { id: variantId, url: gateway.ready.url, pid: gateway.pid }, scenario, c));
    }
    results.processes[variantId] = { peakRssMb: memory(gateway.pid).peakRssKb / 1024, logLines: 0, logFile: gateway.logFile };
    await gateway.stop();
    results.processes[variantId].logLines = countLines(gateway.logFile);
  }

  // After the gateways, whose cache-off answers Hive's are checked against; before the bare server.
  await runHive({ options, logDir, results, measure: ctx, gatewayBodies, record: (m) => record(results, m), log });

  if (scenarios.length > 0) {
    const responsesFile = join(logDir, "bare-responses.json");
    writeFileSync(responsesFile, JSON.stringify(responses));
    const bare = await BenchChild.start<BareReady>("bare", "./references/bare-process.ts", { responsesFile } satisfies BareInput, logDir);
    log("\nbare node:http: the same response bytes, nothing else");
    for (const scenario of scenarios) {
      for (const c of options.concurrency)
        record(results, await measure(ctx, { id: "bare", url: bare.ready.url, pid: bare.pid }, scenario, c));
    }
    results.processes.bare = { peakRssMb: memory(bare.pid).peakRssKb / 1024, logLines: 0, logFile: bare.logFile };
    await bare.stop();
    results.processes.bare.logLines = countLines(bare.logFile);
  }

  for (const customers of options.syncCustomers) {
    log(`\nsync: every source of ${customers} customers, once, on a fresh gateway with its default upstream limits`);
    const figures = await measureSync(customers, options.latencyMs, logDir);
    (results.sync ??= []).push(figures);
    log(`  ${syncLine(figures)}`);
    for (const s of figures.summaries)
      if (!s.ok) results.broken.push(`sync of ${s.source} with ${customers} customers failed: ${s.failures.map((f) => f.code).join(", ")}`);
  }

  if (options.soakS > 0) {
    const gateway = await BenchChild.start<GatewayReady>(
      "gateway-soak",
      "./gateway-process.ts",
      gatewayInput(VARIANTS.cached, world, options.storeUrl, options.upstream, "soak"),
      logDir,
    );
    log(`\nsoak: ${options.soakS} s of "customer" on a fresh ${VARIANTS.cached.label}`);
    results.soak = await soak(load, { url: gateway.ready.url, pid: gateway.pid }, options.soakS);
    if (results.soak.errors > 0) results.broken.push(`soak: ${results.soak.errors} failed requests`);
    await gateway.stop();
  }
}

function record(results: BenchResults, m: Measurement): void {
  results.measurements.push(m);
  const errors = m.load.non2xx + m.load.socketErrors + m.load.reportedErrors;
  log(
    `  ${m.scenario.padEnd(11)} ${m.target.padEnd(9)} c=${String(m.concurrency).padEnd(3)} ${fmt(m.load.reqPerSec).padStart(6)} req/s` +
      `  p50 ${fmt(m.load.latencyMs.p50).padStart(5)} ms  p99 ${fmt(m.load.latencyMs.p99).padStart(5)} ms` +
      `  ${m.upstreamCallsPerOp === null ? "" : `${fmt(m.upstreamCallsPerOp)} calls/op  `}${fmt(m.cpuMsPerOp)} CPU ms/op  ${fmt(m.peakRssMb)} MiB` +
      (errors > 0 ? `  ${errors} ERRORS` : ""),
  );
  if (errors > 0) {
    results.broken.push(
      `${m.scenario} on ${m.target} at ${m.concurrency} clients: ${m.load.non2xx} non-2xx, ${m.load.socketErrors} socket errors (${m.load.timeouts} timeouts), ` +
        `${m.load.reportedErrors} answers with errors; first: ${m.load.firstFailure ?? "(no body)"}`,
    );
  }
}

function emptyResults(options: BenchOptions): BenchResults {
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
  let commit = "unknown";
  try {
    commit =
      git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--untracked-files=no") === "" ? "" : " + uncommitted changes");
  } catch {
    // Not a git checkout: the commit stays unknown.
  }
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? "unknown CPU";
  return {
    startedAt: new Date().toISOString(),
    finishedAt: "",
    commit,
    machine: { cpus: availableParallelism(), cpuModel, node: process.version, kernel: release() },
    loadAverage: { start: loadavg()[0]!, end: 0 },
    options,
    upstream: options.upstream ?? { ...DEFAULT_UPSTREAM },
    scenarios: {},
    measurements: [],
    processes: {},
    targets: [],
    broken: [],
  };
}

function write(options: BenchOptions, results: BenchResults): void {
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const markdown = markdownReport(results);
  writeFileSync(join(options.outDir, "results.md"), markdown);
  writeFileSync(join(options.outDir, "latency.svg"), latencyChart(results));
  // The README's results section is this run's results.md, when the run is a full one into bench/ itself.
  const readme = join(options.outDir, "README.md");
  if (options.quick || !existsSync(readme)) return;
  const text = readFileSync(readme, "utf8");
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return;
  writeFileSync(readme, `${text.slice(0, start + README_START.length)}\n${markdown}${text.slice(end)}`);
}

function countLines(file: string): number {
  try {
    const text = readFileSync(file, "utf8").trim();
    return text === "" ? 0 : text.split("\n").length;
  } catch {
    return 0;
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
