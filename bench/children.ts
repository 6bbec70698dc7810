import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { CHILD_ARGUMENT } from "./child-side.js";
import { productionNodeFlags } from "./production-flags.js";

/**
 * The orchestrator's side of the bench processes (vendors, gateway, load, bare server, Hive). Each is a TypeScript
 * entry bundled and run as `node <bundle>` (see `bundled`), so the pid we hold is the process doing the work: the
 * `tsx` CLI would put a wrapper process in between, and /proc of the wrapper would measure nothing.
 *
 * Protocol (see child-side.ts): the child gets one JSON argument, prints `{"ready": ...}` on one stdout line when it can be used, then
 * answers each JSON line written to its stdin with one `{"ok": ...}` or `{"error": "..."}` line. Its stderr goes
 * to `<logDir>/<name>.log`. A child exits when its stdin closes, so none outlives the orchestrator.
 */

const live = new Set<BenchChild>();

export class BenchChild<Ready = unknown> {
  /** What the child announced when it became ready (its URL, ...). */
  ready!: Ready;
  private readonly waiting: Array<{ resolve(line: string): void; reject(error: Error): void }> = [];
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;
  private readonly adopted: number[] = [];

  private constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
    readonly logFile: string,
    log: NodeJS.WritableStream,
  ) {
    this.exited = new Promise((resolve) =>
      proc.once("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? 128 : null);
        live.delete(this);
        const error = new Error(`${name} exited (${signal ?? `code ${code}`}); its log: ${logFile}\n${this.logTail()}`);
        for (const w of this.waiting.splice(0)) w.reject(error);
        resolve();
      }),
    );
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      // Only protocol lines are JSON objects; anything else a library prints to stdout is passed on to the log.
      if (!line.startsWith("{")) {
        log.write(`${line}\n`);
        return;
      }
      this.waiting.shift()?.resolve(line);
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** `nodeArgs` go before the entry, e.g. `--cpu-prof`. */
  static async start<R>(name: string, entry: string, arg: unknown, logDir: string, nodeArgs: string[] = []): Promise<BenchChild<R>> {
    const logFile = join(logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    // The argument travels in the environment, not argv: a gateway's config holds credentials, and argv is
    // in every `ps` listing.
    // A gateway runs with the flags `npm start` gives it (its heap ceiling among them); the other processes with
    // source maps only.
    const flags = entry === GATEWAY_ENTRY ? productionNodeFlags() : ["--enable-source-maps"];
    const proc = spawn(process.execPath, [...flags, ...nodeArgs, bundled(entry)], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, [CHILD_ARGUMENT]: JSON.stringify(arg) },
    });
    proc.stderr!.pipe(log);
    const child = new BenchChild<R>(name, proc, logFile, log);
    live.add(child);
    child.ready = child.unwrap<{ ready: R }>(await child.nextLine()).ready;
    return child;
  }

  /** Sends one command and waits for its answer; the child handles commands one at a time, in order. */
  async ask<T>(command: unknown): Promise<T> {
    const answer = this.nextLine();
    this.proc.stdin!.write(`${JSON.stringify(command)}\n`);
    const parsed = this.unwrap<{ ok?: T; error?: string }>(await answer);
    if (parsed.error !== undefined) throw new Error(`${this.name}: ${parsed.error}`);
    return parsed.ok as T;
  }

  /** Closes its stdin (it exits on that), then SIGTERM after 3 s and SIGKILL after 6 s. */
  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.proc.stdin!.end();
    const term = setTimeout(() => this.proc.kill("SIGTERM"), 3_000);
    const kill = setTimeout(() => this.proc.kill("SIGKILL"), 6_000);
    await this.exited;
    clearTimeout(term);
    clearTimeout(kill);
  }

  /** The last lines of its log, for an error message. */
  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  /**
   * A process this child started and stops itself when asked (Hive Gateway, under bench/references/hive-process.ts):
   * killed with it when the orchestrator has to kill it, since a killed child cannot stop its own.
   */
  adopt(pid: number): void {
    this.adopted.push(pid);
  }

  killNow(): void {
    if (this.exitCode === undefined) this.proc.kill("SIGKILL");
    for (const pid of this.adopted) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  private nextLine(): Promise<string> {
    if (this.exitCode !== undefined)
      return Promise.reject(new Error(`${this.name} has exited; its log: ${this.logFile}\n${this.logTail()}`));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private unwrap<T>(line: string): T {
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new Error(`${this.name} printed a line that is not JSON: ${line.slice(0, 200)}`);
    }
  }
}

/** Stops every child still running, politely and in parallel. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
}

/** On SIGINT, SIGTERM or any exit, no child is left behind. */
export function stopChildrenOnExit(): void {
  process.once("exit", () => {
    for (const child of live) child.killNow();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench processes`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/** Every process the bench starts, bundled once per run as the production build bundles the gateway. */
const GATEWAY_ENTRY = "./gateway-process.ts";
const CHILD_ENTRIES = [
  GATEWAY_ENTRY,
  "./vendors-process.ts",
  "./load-process.ts",
  "./references/bare-process.ts",
  "./references/hive-process.ts",
];
const bundles = new Map<string, string>();

/**
 * The JavaScript file that runs `entry`: the children are measured as production runs, plain node over a bundle
 * (scripts/build.mjs), not TypeScript transformed as it loads (tsx's loader and its stack-trace mapping cost the
 * gateway time and memory the image does not spend).
 */
function bundled(entry: string): string {
  if (bundles.size === 0) {
    const root = fileURLToPath(new URL("..", import.meta.url));
    // Inside the checkout (git-ignored), so the bundles find node_modules as dist/ does; rewritten by each run,
    // file by file atomically (a run started meanwhile reads a whole old or new file).
    const outdir = join(root, "bench", ".build");
    const pairs = CHILD_ENTRIES.map(
      (e) => `${e.replace(/^\.\/(references\/)?/, "").replace(/\.ts$/, "")}=${relative(root, fileURLToPath(new URL(e, import.meta.url)))}`,
    );
    execFileSync(process.execPath, ["scripts/build.mjs", "--outdir", outdir, ...pairs], { cwd: root, stdio: "pipe" });
    for (const [i, e] of CHILD_ENTRIES.entries()) bundles.set(e, join(outdir, `${pairs[i]!.split("=")[0]}.js`));
  }
  const file = bundles.get(entry);
  if (file === undefined) throw new Error(`${entry} is not one of the bench's child entries (bench/children.ts CHILD_ENTRIES)`);
  return file;
}
