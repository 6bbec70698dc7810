import { readFileSync } from "node:fs";
import { BenchChild } from "./children.js";
import { runIsolated } from "./isolated.js";
import { measure, type MeasureContext } from "./measure.js";
import type { BenchOptions } from "./options.js";
import { memory } from "./proc-stats.js";
import { compareLicenses, gatewayLicenses, hiveLicenses } from "./references/hive-answers.js";
import { composeHive } from "./references/hive-compose.js";
import { ensureHive, HIVE_PACKAGES } from "./references/hive-install.js";
import type { HiveInput, HiveReady } from "./references/hive-process.js";
import { HIVE_SCENARIO_IDS, hiveScenario } from "./references/hive-scenarios.js";
import { HIVE_VARIANT_ORDER, HIVE_VARIANTS } from "./references/hive-variants.js";
import type { BenchResults, HiveSummary, Measurement } from "./results.js";
import type { ScenarioId } from "./scenarios.js";
import { fmt } from "./format.js";

/**
 * The Hive Gateway reference in a bench run: install (or reuse), compose over the Eniris simulator, then each
 * Hive variant on sofar1 and sofar20, alone (its answers checked against the gateway's) and at every concurrency
 * with the same load process. Anything short of a measurement (no registry, a failed install, composition or
 * start) is said in the output and in results.hive, and the run goes on without Hive.
 */

export interface HiveRunContext {
  options: BenchOptions;
  logDir: string;
  results: BenchResults;
  measure: MeasureContext;
  /** The cache-off gateway's answers to each scenario's operations, run alone (isolated.ts). */
  gatewayBodies: Partial<Record<ScenarioId, string[]>>;
  record(m: Measurement): void;
  log(line: string): void;
}

/** Longer than any run; the token is handed to Hive's process only. */
const TOKEN_TTL_S = 24 * 3600;

export async function runHive(run: HiveRunContext): Promise<void> {
  const { options, results, log } = run;
  const summary: HiveSummary = (results.hive = { status: "not asked", packages: { ...HIVE_PACKAGES } });
  const scenarios = options.scenarios.filter((id) => HIVE_SCENARIO_IDS.includes(id));
  if (!options.hive) {
    summary.status = "off";
    return log("\nhive: off (--hive off)");
  }
  if (scenarios.length === 0) return;

  const outcome = await ensureHive(log);
  if (!outcome.ok) {
    Object.assign(summary, { status: "not installed", reason: outcome.reason });
    return log(`\nhive: NOT INSTALLED, going on without it: ${outcome.reason}`);
  }
  const install = outcome.install;
  Object.assign(summary, {
    versions: install.versions,
    installDir: install.dir,
    installedNow: install.installedNow,
    installMs: install.installMs,
  });
  const world = run.measure.world;
  let composition;
  try {
    composition = await composeHive(install.dir, run.logDir, (world.sources.sofar as { apiUrl: string }).apiUrl);
  } catch (error) {
    Object.assign(summary, { status: "failed", reason: `composition: ${message(error)}` });
    return log(`\nhive: composition FAILED, going on without it: ${message(error)}`);
  }
  summary.composeMs = composition.composeMs;
  log(
    `\nhive: ${install.installedNow ? "installed" : "reusing"} ${install.dir} (${Object.entries(install.versions)
      .map(([n, v]) => `${n} ${v}`)
      .join(", ")}); composed in ${fmt(composition.composeMs)} ms`,
  );
  const token = await run.measure.vendors.enirisToken("sofar", TOKEN_TTL_S);

  for (const variantId of HIVE_VARIANT_ORDER) {
    const variant = HIVE_VARIANTS[variantId];
    const probe = hiveScenario("sofar1", world);
    const input: HiveInput = {
      installDir: install.dir,
      dir: composition.dir,
      supergraph: composition.supergraph,
      config: composition.configs[variantId],
      token,
      probe: probe.operations![0]!,
      failureMarker: probe.failureMarker!,
    };
    let child: BenchChild<HiveReady>;
    try {
      child = await BenchChild.start<HiveReady>(`hive-${variantId}`, "./references/hive-process.ts", input, run.logDir);
    } catch (error) {
      Object.assign(summary, { status: "failed", reason: `${variant.label} did not start: ${message(error)}` });
      return log(`\nhive: ${variant.label} did not start, going on without it: ${message(error)}`);
    }
    child.adopt(child.ready.pid);
    const target = { id: variantId, url: child.ready.url, pid: child.ready.pid };
    log(
      `\n${variant.label}: ${variant.description}\n  first answer ${fmt(child.ready.startToFirstAnswerMs)} ms after spawn, idle RSS ${fmt(child.ready.idleRssMb)} MiB`,
    );

    for (const id of scenarios) {
      const scenario = hiveScenario(id, world);
      const alone = await runIsolated(target.url, scenario, run.measure.vendors, world, options.latencyMs);
      const entry = (results.scenarios[id] ??= { title: scenario.title, description: scenario.description, isolated: {} });
      entry.isolated[variantId] = alone.run;
      for (const op of alone.run.operations)
        if (op.failure) results.broken.push(`${id} on ${variant.label}, alone: HTTP ${op.status}: ${op.failure}`);
      checkSameLicenses(run, id, variantId, alone.bodies);
      log(
        `  ${id} alone: ${fmt(alone.run.calls)} calls (${fmt(alone.run.duplicates)} repeated), answered in ${fmt(alone.run.latencyMs)} ms`,
      );
      for (const c of options.concurrency) run.record(await measure(run.measure, target, scenario, c));
    }
    results.processes[variantId] = {
      peakRssMb: memory(target.pid).peakRssKb / 1024,
      logLines: 0,
      logFile: child.logFile,
      startToFirstAnswerMs: child.ready.startToFirstAnswerMs,
      idleRssMb: child.ready.idleRssMb,
    };
    await child.stop();
    results.processes[variantId].logLines = hiveLogLines(child.logFile);
  }
  summary.status = "measured";
}

/**
 * Hive's answers, run alone, must carry the same licenses as the gateway's for the same customers, or the
 * comparison would be of two different questions: a difference makes the run broken.
 */
function checkSameLicenses(run: HiveRunContext, id: ScenarioId, variantId: keyof typeof HIVE_VARIANTS, hiveBodies: string[]): void {
  const gatewayBodies = run.gatewayBodies[id];
  if (!gatewayBodies) return;
  const differences: string[] = [];
  let customers = 0;
  hiveBodies.forEach((body, i) => {
    try {
      const expected = gatewayLicenses(gatewayBodies[i]!);
      customers += expected.length;
      differences.push(...compareLicenses(expected, hiveLicenses(body)).map((d) => `operation ${i + 1}, ${d}`));
    } catch (error) {
      differences.push(`operation ${i + 1}: ${message(error)}`);
    }
  });
  const same = (run.results.hive!.sameLicenses ??= {});
  (same[id] ??= {})[variantId] = { customers, differences };
  if (differences.length > 0) {
    run.results.broken.push(
      `${id} on ${HIVE_VARIANTS[variantId].label}: not the gateway's licenses: ${differences.slice(0, 3).join("; ")}`,
    );
  }
  run.log(
    `  ${id}: ${differences.length === 0 ? `same licenses as the gateway for ${customers} customers` : `${differences.length} DIFFERENCES from the gateway's answers`}`,
  );
}

/** Lines Hive logged after its start-up banner (which it prints before it reads the configured level). */
function hiveLogLines(file: string): number {
  try {
    return (
      readFileSync(file, "utf8")
        // eslint-disable-next-line no-control-regex -- ESC opens the ANSI colour codes removed here
        .replace(/\x1b\[[0-9;]*m/g, "")
        .split("\n")
        .filter((line) => line.trim() !== "" && !/ INF /.test(line)).length
    );
  } catch {
    return 0;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
