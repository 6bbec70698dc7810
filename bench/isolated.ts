import { setTimeout as sleep } from "node:timers/promises";
import { callShape } from "./references/call-graph.js";
import type { IsolatedOperation, IsolatedRun } from "./results.js";
import { claimBody, releaseBody, reportsErrors, type GraphQLBody, type Scenario } from "./scenarios.js";
import type { VendorsControl } from "./vendors-control.js";
import type { World } from "./vendors-process.js";

/**
 * Each operation of a scenario alone against an idle gateway: the calls it makes (and repeats), its critical
 * path, and the exact response (the bare server's reference answer), plus every operation's body (what Hive's
 * answers are compared with). One unmeasured run goes first, so tokens are fetched and connections open, as
 * they are under load.
 */

export interface CapturedResponse {
  headers: Record<string, string>;
  body: string;
}

interface Step {
  warmup: GraphQLBody[];
  measured: GraphQLBody;
}

/** An operation alone that takes longer than this is a broken run, not a slow one. */
const ALONE_TIMEOUT_MS = 30_000;

/** Headers the bare server sets itself, or that describe this connection rather than the answer. */
const PER_CONNECTION = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

export async function runIsolated(
  url: string,
  scenario: Scenario,
  vendors: VendorsControl,
  world: World,
  latencyMs: number,
): Promise<{ run: IsolatedRun; response: CapturedResponse; bodies: string[] }> {
  const operations: IsolatedOperation[] = [];
  const bodies: string[] = [];
  let response: CapturedResponse | undefined;
  for (const step of await stepsOf(scenario, vendors, world)) {
    for (const body of step.warmup) await post(url, body);
    await vendors.reset();
    const started = performance.now();
    const res = await post(url, step.measured);
    const latency = performance.now() - started;
    // Whatever the operation started in the background (a refresh) gets to finish before the log is read.
    await sleep(latencyMs + 100);
    const shape = callShape((await vendors.calls(true)).records ?? []);
    const failed = res.status !== 200 || reportsErrors(res.body, scenario.failureMarker);
    operations.push({
      ...shape,
      status: res.status,
      latencyMs: latency,
      bytes: Buffer.byteLength(res.body),
      ...(failed ? { failure: res.body.slice(0, 500) } : {}),
    });
    response ??= { headers: res.headers, body: res.body };
    bodies.push(res.body);
  }
  const mean = (pick: (op: IsolatedOperation) => number): number => operations.reduce((sum, op) => sum + pick(op), 0) / operations.length;
  return {
    run: {
      calls: mean((op) => op.calls),
      distinctCalls: mean((op) => op.calls - op.duplicates),
      duplicates: mean((op) => op.duplicates),
      depth: mean((op) => op.depth),
      criticalPathMs: mean((op) => op.criticalPathMs),
      latencyMs: mean((op) => op.latencyMs),
      operations,
    },
    response: response!,
    bodies,
  };
}

/** Read operations: each once to warm up, then measured. The claim: a claim and release to warm up, then a claim and a release of a fresh key. */
async function stepsOf(scenario: Scenario, vendors: VendorsControl, world: World): Promise<Step[]> {
  if (scenario.operations) return scenario.operations.map((op) => ({ warmup: [op], measured: op }));
  const [warm, measured] = await vendors.claimKeys(2);
  const target = (key: string) => ({ source: world.claimSource, key, nodeId: world.customers[0]!.nodeId });
  const id = (what: string) => `bench-isolated-${what}-${Date.now()}`;
  return [
    { warmup: [claimBody(target(warm!), id("wc")), releaseBody(target(warm!), id("wr"))], measured: claimBody(target(measured!), id("c")) },
    { warmup: [], measured: releaseBody(target(measured!), id("r")) },
  ];
}

async function post(url: string, body: GraphQLBody): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(ALONE_TIMEOUT_MS),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!PER_CONNECTION.has(name)) headers[name] = value;
  });
  return { status: res.status, headers, body: await res.text() };
}
