import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startProfile, type StartProfile } from "./startup-profile.js";
import { cpuMs, memory } from "./proc-stats.js";
import { textTable } from "./format.js";
import { productionNodeFlags } from "./production-flags.js";

/**
 * Start-up of the demo as `npm start` runs it: from the spawn of its node process to the first good answer to a
 * query that needs the seeded store, then its RSS once idle. The built JavaScript against the TypeScript run
 * through tsx (what production ran before the build). `npx tsx bench/startup.ts [--runs 5] [--profile]`;
 * `measureStartup` is what `npm run bench` may call.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** How each variant is started: node's arguments, from the repository root. */
export const START_VARIANTS = {
  /** The production command (Dockerfile CMD, `npm start`). */
  built: [...productionNodeFlags(), "dist/main.js"],
  /** The same without source maps, to show what they cost at start. */
  "built, no source maps": [...productionNodeFlags().filter((flag) => flag !== "--enable-source-maps"), "dist/main.js"],
  /** What the image and `npm start` ran before the build: esbuild transforming each file as it is imported. */
  tsx: ["--import", "tsx", "src/main.ts"],
} as const satisfies Record<string, readonly string[]>;
export type StartVariant = keyof typeof START_VARIANTS;

/** A query answered only once the demo is whole: its customers are seeded into the store after it listens. */
const FIRST_QUERY = JSON.stringify({ query: "{ customers(first: 1) { edges { node { id } } } }" });
const POLL_MS = 10;
const TIMEOUT_MS = 60_000;

export interface StartRun {
  firstAnswerMs: number;
  /** CPU time of the process (all its threads) until that answer: less moved than the wall time by a busy machine. */
  cpuToFirstAnswerMs: number;
  idleRssMb: number;
}

export interface StartFigures {
  variant: StartVariant;
  runs: StartRun[];
  medianFirstAnswerMs: number;
  medianCpuToFirstAnswerMs: number;
  medianIdleRssMb: number;
}

/** Builds dist/ from the sources as they are now, so that "built" measures them. */
export function buildDist(): void {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "pipe" });
}

/**
 * `runs` starts of each variant, taking turns (one of each, then again), so that a busy moment of the machine
 * falls on every variant alike rather than on whichever ran then; the figures and their medians.
 */
export async function measureStartup(
  variants: readonly StartVariant[] = Object.keys(START_VARIANTS) as StartVariant[],
  runs = 5,
): Promise<StartFigures[]> {
  const done = new Map<StartVariant, StartRun[]>(variants.map((v) => [v, []]));
  for (let i = 0; i < runs; i++) {
    for (const variant of variants) {
      const { firstAnswerMs, cpuToFirstAnswerMs, idleRssMb } = await startOnce(START_VARIANTS[variant]);
      done.get(variant)!.push({ firstAnswerMs, cpuToFirstAnswerMs, idleRssMb });
    }
  }
  return variants.map((variant) => {
    const figures = done.get(variant)!;
    return {
      variant,
      runs: figures,
      medianFirstAnswerMs: median(figures.map((r) => r.firstAnswerMs)),
      medianCpuToFirstAnswerMs: median(figures.map((r) => r.cpuToFirstAnswerMs)),
      medianIdleRssMb: median(figures.map((r) => r.idleRssMb)),
    };
  });
}

async function startOnce(args: readonly string[], nodeArgs: readonly string[] = []): Promise<StartRun & { exited: Promise<void> }> {
  const port = await freePort();
  // No config: the demo, on a port of our choosing.
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: "127.0.0.1" };
  delete env.GATEWAY_CONFIG;
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const firstAnswerMs =
      (await firstAnswer(`http://127.0.0.1:${port}/graphql`, () => child.exitCode !== null || child.signalCode !== null)) - spawnedAt;
    const cpuToFirstAnswerMs = cpuMs(child.pid!);
    const idleRssMb = await idleRss(child.pid!);
    return { firstAnswerMs, cpuToFirstAnswerMs, idleRssMb, exited };
  } catch (error) {
    throw new Error(`${args.join(" ")}: ${(error as Error).message}\n${stderr.slice(-2_000)}`);
  } finally {
    // SIGTERM, as an orchestrator stops it: the graceful stop is what writes a --cpu-prof profile.
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000).then(() => child.kill("SIGKILL"))]);
  }
}

/** Polls until the query answers 200 with a customer; resolves to the `performance.now()` of that answer. */
async function firstAnswer(url: string, gone: () => boolean): Promise<number> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (gone()) throw new Error("the process exited before it answered");
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: FIRST_QUERY });
      const body = (await res.json()) as { data?: { customers?: { edges?: unknown[] } } };
      if (res.status === 200 && (body.data?.customers?.edges?.length ?? 0) > 0) return performance.now();
    } catch {
      // Not listening yet.
    }
    await sleep(POLL_MS);
  }
  throw new Error(`no answer within ${TIMEOUT_MS} ms`);
}

/** VmRSS once the process has spent at most one clock tick of CPU in 200 ms (a fresh runtime is still compiling and collecting), or after 5 s. */
async function idleRss(pid: number): Promise<number> {
  const deadline = Date.now() + 5_000;
  let cpu = cpuMs(pid);
  while (Date.now() < deadline) {
    await sleep(200);
    const now = cpuMs(pid);
    if (now - cpu <= 10) break;
    cpu = now;
  }
  return memory(pid).rssKb / 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One start of the built demo under `node --cpu-prof`: where its CPU time goes until the first answer. */
export async function profileBuiltStart(): Promise<StartProfile> {
  const dir = mkdtempSync(join(tmpdir(), "lg-start-profile-"));
  try {
    const run = await startOnce(START_VARIANTS.built, ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    await run.exited;
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error("node wrote no profile");
    return startProfile(JSON.parse(readFileSync(join(dir, file), "utf8")), run.firstAnswerMs, join(ROOT, "dist", "main.js"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  buildDist();
  const figures = await measureStartup(undefined, runs);
  const rows = [
    ["demo started as", "start to first answer (median)", "runs (ms)", "its CPU (median)", "runs (ms)", "idle RSS (median)", "runs (MB)"],
  ];
  for (const f of figures) {
    rows.push([
      `node ${START_VARIANTS[f.variant].join(" ")}`,
      `${Math.round(f.medianFirstAnswerMs)} ms`,
      f.runs.map((r) => Math.round(r.firstAnswerMs)).join(" "),
      `${Math.round(f.medianCpuToFirstAnswerMs)} ms`,
      f.runs.map((r) => Math.round(r.cpuToFirstAnswerMs)).join(" "),
      `${Math.round(f.medianIdleRssMb)} MB`,
      f.runs.map((r) => Math.round(r.idleRssMb)).join(" "),
    ]);
  }
  console.log(textTable(rows));
  if (process.argv.includes("--profile")) {
    const profile = await profileBuiltStart();
    console.log(
      `\nCPU until the first answer of one built start (${Math.round(profile.firstAnswerMs)} ms; ${Math.round(profile.cpuMs)} ms on the CPU, the rest waiting):`,
    );
    const share = (ms: number) => `${Math.round((ms / profile.cpuMs) * 100)}%`;
    console.log(
      textTable([["part of the start", "ms", "share"], ...profile.areas.map((a) => [a.area, String(Math.round(a.ms)), share(a.ms)])]),
    );
    console.log();
    console.log(
      textTable([["where (self time)", "ms", "share"], ...profile.top.map((t) => [t.owner, String(Math.round(t.ms)), share(t.ms)])]),
    );
  }
}
