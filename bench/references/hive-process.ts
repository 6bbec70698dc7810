import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { announce, argument, CHILD_ARGUMENT, exitWhenStdinCloses, failStart } from "../child-side.js";
import { cpuMs, memory } from "../proc-stats.js";
import { reportsErrors, type GraphQLBody } from "../scenarios.js";
import { binOf, HIVE_TOKEN_VARIABLE } from "./hive-compose.js";

/**
 * The Hive Gateway reference: `hive-gateway supergraph <file> -c <config>` in a process of its own, run by plain
 * `node` as Hive ships it. This file is the bench's handle on it: it spawns Hive, times spawn to the first good
 * answer, reads its RSS once idle (as bench/startup.ts does for the demo), and announces Hive's pid, which the
 * orchestrator measures through /proc like every other process (this supervisor only waits, and is not
 * measured). Hive stops when this process' stdin closes.
 */

export interface HiveInput {
  installDir: string;
  /** The folder holding the supergraph, the configs and the node_modules link (hive-compose.ts). */
  dir: string;
  supergraph: string;
  config: string;
  /** The Eniris access token Hive sends as its static bearer header (env, never argv: `ps` shows argv). */
  token: string;
  /** A query Hive must answer (200, no errors, none of `failureMarker`) to count as started. */
  probe: GraphQLBody;
  failureMarker?: string;
}

export interface HiveReady {
  url: string;
  /** Hive's own process, the one to measure. */
  pid: number;
  /** From spawning Hive's node process to its first good answer to `probe`. */
  startToFirstAnswerMs: number;
  /** Hive's VmRSS once idle after that answer. */
  idleRssMb: number;
}

/** Hive starts in 2-3 s here; this is for a broken install, not a slow one. */
const START_TIMEOUT_MS = 60_000;
const POLL_EVERY_MS = 10;

async function main(): Promise<void> {
  const input = argument<HiveInput>();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const env: NodeJS.ProcessEnv = { ...process.env, [HIVE_TOKEN_VARIABLE]: input.token };
  delete env[CHILD_ARGUMENT];
  const started = performance.now();
  const hive = spawn(
    process.execPath,
    [
      binOf(input.installDir, "@graphql-hive/gateway", "hive-gateway"),
      "supergraph",
      input.supergraph,
      "-c",
      input.config,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    { cwd: input.dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  // Hive's output goes to this process' log (stderr); stdout is the bench's protocol channel.
  hive.stdout!.pipe(process.stderr);
  hive.stderr!.pipe(process.stderr);
  // Whatever ends this process ends Hive too (a failed start included); a clean stop has already waited for it.
  process.once("exit", () => {
    if (hive.exitCode === null && hive.signalCode === null) hive.kill("SIGKILL");
  });
  let exited = false;
  hive.once("exit", (code, signal) => {
    exited = true;
    console.error(`hive-gateway exited (${signal ?? `code ${code}`})`);
    process.exit(1);
  });

  await firstAnswer(url, input, () => exited);
  const startToFirstAnswerMs = performance.now() - started;
  const idleRssMb = await idleRss(hive.pid!);
  exitWhenStdinCloses(() => stop(hive));
  announce({ url, pid: hive.pid!, startToFirstAnswerMs, idleRssMb } satisfies HiveReady);
}

/**
 * VmRSS once the process has used at most one clock tick of CPU in 200 ms (a runtime that has just answered is
 * still compiling and collecting), or after 5 s: the same rule as bench/startup.ts applies to the demo.
 */
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

async function firstAnswer(url: string, input: HiveInput, exited: () => boolean): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  let last = "no answer";
  while (performance.now() < deadline && !exited()) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(input.probe),
      });
      const body = await res.text();
      if (res.status === 200 && !reportsErrors(body, input.failureMarker)) return;
      last = `${res.status} ${body.slice(0, 300)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(POLL_EVERY_MS);
  }
  throw new Error(`Hive Gateway gave no good answer within ${START_TIMEOUT_MS / 1000} s; last: ${last}`);
}

/** A port nobody listens on now; Hive is told to take it (it does not report a port it picked itself). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stop(hive: ChildProcess): Promise<void> {
  if (hive.exitCode !== null || hive.signalCode !== null) return;
  hive.removeAllListeners("exit");
  const gone = new Promise<void>((resolve) => hive.once("exit", () => resolve()));
  hive.kill("SIGTERM");
  const kill = setTimeout(() => hive.kill("SIGKILL"), 3_000);
  await gone;
  clearTimeout(kill);
}

main().catch(failStart);
