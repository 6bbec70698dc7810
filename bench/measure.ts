import { setTimeout as sleep } from "node:timers/promises";
import type { BenchChild } from "./children.js";
import type { LoadCommand, LoadPlan, LoadResult } from "./load-process.js";
import { cpuMs, sampleRss } from "./proc-stats.js";
import type { Measurement, TargetId } from "./results.js";
import { claimBody, type Scenario } from "./scenarios.js";
import type { VendorsControl } from "./vendors-control.js";
import type { World } from "./vendors-process.js";

/**
 * One point of the bench: a warm-up, then `durationS` of load at `concurrency` clients, with the target's CPU
 * time, RSS and the vendors' call log read around it. The target is idle when each reading is taken (see
 * `settle`), so CPU and calls cover every request sent, the ones in flight when the load stopped included.
 */

export interface MeasureContext {
  load: BenchChild;
  vendors: VendorsControl;
  /** The simulators' process: its CPU is read too, since it shares the machine's cores with the target. */
  vendorsPid: number;
  world: World;
  durationS: number;
  warmupS: number;
}

export interface MeasureTarget {
  id: TargetId;
  /** The gateway's GraphQL URL, or the bare server's base URL. */
  url: string;
  pid: number;
}

/**
 * The bare server's measurements are capped at this: it answers thousands of requests a second, so a few
 * seconds are plenty, and the default run stays within minutes.
 */
const BARE_DURATION_S = 3;

export async function measure(ctx: MeasureContext, target: MeasureTarget, scenario: Scenario, concurrency: number): Promise<Measurement> {
  const url = target.id === "bare" ? `${target.url}/s/${scenario.id}` : target.url;
  const durationS = target.id === "bare" ? Math.min(ctx.durationS, BARE_DURATION_S) : ctx.durationS;
  const command = async (durationS: number): Promise<LoadResult> => {
    const plan = await planFor(ctx, target, scenario, concurrency);
    return ctx.load.ask<LoadResult>({ url, connections: concurrency, durationS, plan } satisfies LoadCommand);
  };

  if (ctx.warmupS > 0) await command(ctx.warmupS);
  await settle(ctx, target);
  const gateway = target.id !== "bare";
  if (gateway) await ctx.vendors.reset();
  const rss = sampleRss(target.pid);
  const others = [ctx.vendorsPid, ctx.load.pid];
  const cpuBefore = cpuMs(target.pid);
  const othersBefore = others.map(cpuMs);
  const load = await command(durationS);
  await settle(ctx, target);
  const cpu = cpuMs(target.pid) - cpuBefore;
  const [vendorsCpu, loadCpu] = others.map((pid, i) => cpuMs(pid) - othersBefore[i]!);
  const { peakKb } = rss.stop();
  const calls = gateway ? (await ctx.vendors.calls()).total : null;
  const operations = Math.max(load.requestsSent, 1);
  return {
    scenario: scenario.id,
    target: target.id,
    concurrency,
    load,
    operations,
    upstreamCallsPerOp: calls === null ? null : calls / operations,
    cpuMsPerOp: cpu / operations,
    vendorsCpuMsPerOp: vendorsCpu! / operations,
    loadCpuMsPerOp: loadCpu! / operations,
    peakRssMb: peakKb / 1024,
    steady: load.requests >= 2 * concurrency,
  };
}

/**
 * Waits until the target is idle: the requests still in flight when the load stopped have finished (the gateway
 * keeps working on them) and made their upstream calls. Idle is a 200 ms window in which the target used at most
 * one clock tick of CPU and the vendors saw no new call; at most 15 s.
 */
async function settle(ctx: MeasureContext, target: MeasureTarget): Promise<void> {
  const deadline = Date.now() + 15_000;
  const calls = async () => (target.id === "bare" ? 0 : (await ctx.vendors.calls()).total);
  let cpu = cpuMs(target.pid);
  let seen = await calls();
  while (Date.now() < deadline) {
    await sleep(200);
    const [cpuNow, seenNow] = [cpuMs(target.pid), await calls()];
    if (cpuNow - cpu <= 10 && seenNow === seen) return;
    [cpu, seen] = [cpuNow, seenNow];
  }
}

async function planFor(ctx: MeasureContext, target: MeasureTarget, scenario: Scenario, concurrency: number): Promise<LoadPlan> {
  const nodeId = ctx.world.customers[0]!.nodeId;
  if (scenario.operations) {
    const operations = target.id === "bare" ? scenario.operations.slice(0, 1) : scenario.operations;
    return { kind: "operations", operations, ...(scenario.failureMarker === undefined ? {} : { failureMarker: scenario.failureMarker }) };
  }
  if (target.id === "bare")
    return { kind: "operations", operations: [claimBody({ source: ctx.world.claimSource, key: "bare", nodeId }, "bare")] };
  // Fresh keys for every load run: one stopped between a claim and its release leaves keys claimed.
  const keys = await ctx.vendors.claimKeys(concurrency);
  return {
    kind: "claims",
    targets: keys.map((key) => ({ source: ctx.world.claimSource, key, nodeId })),
    runId: `bench-${process.pid}-${Date.now()}`,
  };
}
