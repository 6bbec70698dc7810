/**
 * Load test (issue 4): 60 s of concurrent GraphQL queries against the gateway while one source (Sofar) fails
 * half its calls. Not part of `npm test`; run it with
 *
 *   npx tsx scripts/load-test.ts [--seconds 60] [--concurrency 16] [--threshold 50]
 *
 * `--threshold` is Sofar's circuit errorThresholdPercentage (default 50, the config's default): at 50 a source
 * failing half its calls keeps tripping its circuit; above it, retries and the retry budget do the work.
 *
 * The gateway runs in a child process (this file again, with `--child`), so its memory is measured alone: the
 * vendor simulators and the load generator live in this process. Everything listens on 127.0.0.1 only, the
 * number of requests in flight is bounded by `--concurrency`, and the run stops itself (a hard stop kills the
 * child 30 s after the planned end).
 *
 * It checks: no crash (the child is alive at the end), no unhandled rejection (counted in both processes), memory
 * flat after warm-up (mean RSS of the last 20 s against the 10-20 s window, sampled every second right after a
 * forced garbage collection, so the figures are live memory rather than the collector's timing), errors confined
 * to Sofar's fields (every error names Sofar, and every other source's data is always there). It prints a summary.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { startGateway } from "../src/app.js";
import { configSchema, type SourceConfigInput } from "../src/config/schema.js";
import { DEMO_CUSTOMER_IDS, seedDemo } from "../src/demo/seed.js";
import { startDemoVendors } from "../src/demo/vendors.js";

const FAILING = "sofar";
const FAILURE_PROBABILITY = 0.5;

// ---- the gateway, in the child ------------------------------------------------------------------------

type ToParent =
  | { type: "ready"; url: string }
  | { type: "memory"; at: number; rss: number; heapUsed: number }
  | { type: "problem"; kind: "unhandledRejection" | "uncaughtException"; message: string };

async function child(): Promise<void> {
  const send = (message: ToParent): void => void process.send?.(message);
  process.on("unhandledRejection", (reason) => send({ type: "problem", kind: "unhandledRejection", message: String(reason) }));
  process.on("uncaughtException", (error) => send({ type: "problem", kind: "uncaughtException", message: String(error) }));
  const sources = await new Promise<Record<string, SourceConfigInput>>((resolve) => process.once("message", (m) => resolve(m as never)));
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0 },
    store: { url: "memory://" },
    auth: { mode: "off" },
    sources,
  });
  const gateway = await startGateway({ config, logger: pino({ level: "silent" }) });
  await seedDemo(gateway.store);
  const gc = (globalThis as { gc?: () => void }).gc;
  const timer = setInterval(() => {
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    send({ type: "memory", at: Date.now(), rss, heapUsed });
  }, 1_000);
  send({ type: "ready", url: gateway.url });
  process.once("message", () => {
    clearInterval(timer);
    void gateway.close().finally(() => process.exit(0));
  });
}

// ---- the load, in the parent --------------------------------------------------------------------------

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const QUERIES = [
  ...DEMO_CUSTOMER_IDS.map(
    (id) => `{ customer(id: "${id}") { name profile { name } licenses { key status source { id } } controllers { nodeId } } }`,
  ),
  `{ customers(first: 10) { edges { node { name licenses { key source { id } } } } } }`,
  // Both Eniris brands alike (a key lookup scans every mapped account), so their upstream call counts compare.
  `{ sofar: licenseByKey(source: "sofar", key: "SOFAR-RES-0001") { key status } sgo: licenseByKey(source: "smartgridone", key: "SGO-RES-0001") { key status } local: licenseByKey(source: "local", key: "LOC-DEMO-0001") { key } }`,
];

interface Tally {
  requests: number;
  latencies: number[];
  /** "source/code" → count. */
  errors: Map<string, number>;
  /** Errors that name another source than the failing one, or none: a failure that leaked. */
  leaked: number;
  /** Responses without `data`, or not HTTP 200, or that could not be read. */
  broken: number;
  /** Responses where a license list lacked a healthy source's licenses. */
  healthyMissing: number;
  /** Customer queries, and how many of them had the failing source's licenses (retried, or lucky). */
  customerQueries: number;
  failingAnswered: number;
}

/** Per customer query, the sources its license list has when every vendor is up (measured before the load). */
type Baseline = Map<string, Set<string>>;

/** The part of a customer query's `data` this script reads. */
type CustomerData = { customer?: { licenses?: Array<{ source: { id: string } }> } | null } | null | undefined;
/** The part of a `{ sources { ... } }` answer this script reads; the rest is printed as is. */
type SourcesAnswer = { data?: { sources?: Array<{ id: string; circuit?: string }> } };

async function licenseSources(url: string, query: string): Promise<Set<string>> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: CustomerData };
  return new Set<string>((body.data?.customer?.licenses ?? []).map((l) => l.source.id));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A customer's license list must hold every healthy source it holds when all are up, every time. */
function checkLicenses(query: string, data: CustomerData, tally: Tally, baseline: Baseline): void {
  const expected = baseline.get(query);
  if (expected === undefined) return;
  const seen = new Set<string>((data?.customer?.licenses ?? []).map((l) => l.source.id));
  for (const source of expected) if (source !== FAILING && !seen.has(source)) tally.healthyMissing += 1;
  tally.customerQueries += 1;
  if (seen.has(FAILING)) tally.failingAnswered += 1;
}

async function worker(url: string, until: number, tally: Tally, baseline: Baseline, index: number): Promise<void> {
  for (let i = index; Date.now() < until; i++) {
    const query = QUERIES[i % QUERIES.length]!;
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ query }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { data?: CustomerData; errors?: Array<{ extensions?: { code?: string; source?: string } }> };
      tally.latencies.push(performance.now() - started);
      tally.requests += 1;
      if (res.status !== 200 || body.data == null) tally.broken += 1;
      for (const error of body.errors ?? []) {
        const key = `${error.extensions?.source ?? "(none)"}/${error.extensions?.code ?? "(none)"}`;
        tally.errors.set(key, (tally.errors.get(key) ?? 0) + 1);
        if (error.extensions?.source !== FAILING) tally.leaked += 1;
      }
      checkLicenses(query, body.data, tally, baseline);
    } catch {
      tally.requests += 1;
      tally.broken += 1;
    }
  }
}

async function parent(): Promise<void> {
  const seconds = option("seconds", 60);
  const concurrency = option("concurrency", 16);
  const threshold = option("threshold", 50);
  let parentRejections = 0;
  process.on("unhandledRejection", () => {
    parentRejections += 1;
  });

  const vendors = await startDemoVendors();
  const sims = {
    sofar: vendors.sofar,
    smartgridone: vendors.smartgridone,
    cryptolens: vendors.cryptolens,
    flashstart: vendors.flashstart,
    esmart: vendors.esmart,
  };
  const sourceConfigs = {
    ...vendors.sources,
    [FAILING]: { ...vendors.sources[FAILING]!, resilience: { circuit: { errorThresholdPercentage: threshold } } },
  };
  const gateway: ChildProcess = fork(fileURLToPath(import.meta.url), ["--child"], {
    execArgv: [...process.execArgv, "--expose-gc"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const memory: Array<{ at: number; rss: number; heapUsed: number }> = [];
  const problems: string[] = [];
  let exit: { code: number | null; signal: string | null } | undefined;
  gateway.on("exit", (code, signal) => {
    exit = { code, signal };
  });
  const url = await new Promise<string>((resolve, reject) => {
    gateway.on("message", (m: ToParent) => {
      if (m.type === "ready") resolve(m.url);
      else if (m.type === "memory") memory.push(m);
      else problems.push(`${m.kind}: ${m.message}`);
    });
    gateway.once("exit", () => reject(new Error("the gateway exited before it was ready")));
    gateway.send(sourceConfigs);
  });

  const baseline: Baseline = new Map();
  for (const query of QUERIES.filter((q) => q.startsWith("{ customer("))) baseline.set(query, await licenseSources(url, query));
  vendors.sofar.fault({ server: "api", kind: "status", status: 500, probability: FAILURE_PROBABILITY });

  const started = Date.now();
  const until = started + seconds * 1_000;
  const hardStop = setTimeout(() => gateway.kill("SIGKILL"), seconds * 1_000 + 30_000);
  // The simulators log every call; count and forget them as we go, so this process stays small too.
  const upstream = new Map<string, number>();
  const drain = (): void => {
    for (const [id, sim] of Object.entries(sims)) {
      upstream.set(id, (upstream.get(id) ?? 0) + sim.calls.count());
      sim.calls.reset();
    }
  };
  const drainTimer = setInterval(drain, 2_000);
  // The failing source's circuit, once a second: how much of the run it spent failing fast.
  const circuit = new Map<string, number>();
  const circuitTimer = setInterval(() => {
    void fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ sources { id circuit } }" }),
    })
      .then((r) => r.json() as Promise<SourcesAnswer>)
      .then((body) => {
        const state = body.data?.sources?.find((s) => s.id === FAILING)?.circuit ?? "?";
        circuit.set(state, (circuit.get(state) ?? 0) + 1);
      })
      .catch(() => undefined);
  }, 1_000);
  const progress = setInterval(() => {
    const last = memory.at(-1);
    process.stderr.write(`  ${Math.round((Date.now() - started) / 1000)} s, rss ${last ? mb(last.rss) : "?"}\n`);
  }, 10_000);

  const tally: Tally = {
    requests: 0,
    latencies: [],
    errors: new Map(),
    leaked: 0,
    broken: 0,
    healthyMissing: 0,
    customerQueries: 0,
    failingAnswered: 0,
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(url, until, tally, baseline, i)));
  const elapsedS = (Date.now() - started) / 1_000;
  clearInterval(progress);
  clearInterval(drainTimer);
  clearInterval(circuitTimer);
  drain();

  const sources = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ sources { id state circuit lastErrorCode latencyP50Ms latencyP95Ms errorRate } }" }),
  }).then((r) => r.json() as Promise<SourcesAnswer>);
  const aliveAtEnd = exit === undefined;
  gateway.send("stop");
  await new Promise<void>((resolve) => (exit ? resolve() : gateway.once("exit", () => resolve())));
  clearTimeout(hardStop);
  await vendors.close();

  // Memory: mean RSS in the 10-20 s window (after warm-up) against the last 20 s.
  const at = (s: number): number => started + s * 1_000;
  const window = (from: number, to: number) => memory.filter((m) => m.at >= at(from) && m.at < at(to));
  const early = window(10, 20);
  const late = window(seconds - 20, seconds + 1);
  const growth = (mean(late.map((m) => m.rss)) - mean(early.map((m) => m.rss))) / Math.max(1, mean(early.map((m) => m.rss)));
  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const failingErrors = [...tally.errors].filter(([k]) => k.startsWith(`${FAILING}/`)).reduce((n, [, c]) => n + c, 0);

  const lines = [
    `load test: ${seconds} s, ${concurrency} concurrent clients, ${FAILING} failing ${FAILURE_PROBABILITY * 100}% of its API calls (HTTP 500), its circuit threshold ${threshold}%`,
    `requests:            ${tally.requests} (${(tally.requests / elapsedS).toFixed(0)} req/s), latency p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms, max ${percentile(sorted, 100).toFixed(0)} ms`,
    `upstream calls:      ${[...upstream].map(([id, n]) => `${id} ${n}`).join(", ")}`,
    `errors by source/code: ${[...tally.errors].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`,
    `errors outside ${FAILING}: ${tally.leaked}; healthy sources missing from a license list: ${tally.healthyMissing}; broken responses: ${tally.broken}`,
    `${FAILING} licenses present in ${tally.failingAnswered} of ${tally.customerQueries} customer queries; its circuit (sampled each second): ${[...circuit].map(([k, n]) => `${k} ${n}`).join(", ")}`,
    `memory (gateway RSS): 10-20 s mean ${mb(mean(early.map((m) => m.rss)))}, last 20 s mean ${mb(mean(late.map((m) => m.rss)))} (${(growth * 100).toFixed(1)}%), heap at end ${mb(memory.at(-1)?.heapUsed ?? 0)}`,
    `rss every 10 s:      ${memory
      .filter((_, i) => i % 10 === 9)
      .map((m) => mb(m.rss))
      .join(", ")}`,
    `unhandled rejections / uncaught exceptions: gateway ${problems.length}, load generator ${parentRejections}`,
    `gateway alive at the end: ${aliveAtEnd ? "yes" : `no (${JSON.stringify(exit)})`}`,
    `Query.sources at the end: ${JSON.stringify(sources.data?.sources ?? sources)}`,
  ];
  console.log(lines.join("\n"));
  if (problems.length > 0) console.log(problems.slice(0, 5).join("\n"));

  const ok =
    aliveAtEnd &&
    problems.length === 0 &&
    parentRejections === 0 &&
    tally.leaked === 0 &&
    tally.healthyMissing === 0 &&
    tally.broken === 0 &&
    failingErrors > 0 &&
    growth < 0.1;
  console.log(ok ? "PASS" : "FAIL");
  process.exitCode = ok ? 0 : 1;
}

if (process.argv.includes("--child")) await child();
else await parent();
