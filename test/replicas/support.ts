import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const REPO = resolve(import.meta.dirname, "../..");

/** One gateway process started with `npm start -- --config FILE`'s entry point, as production runs it. */
export interface Replica {
  name: string;
  url: string;
  process: ChildProcess;
  /** Its log lines so far (JSON), for a failure message. */
  log: string[];
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; cacheStatus: string | null; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, any> }> } }>;
  stop(): Promise<void>;
}

/** Writes `config` to a temporary file (the replicas read the same one). */
export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "lg-replicas-"));
  const file = join(dir, "gateway.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts `node --import tsx src/main.ts --config <file>` and resolves once it logs "gateway ready" with its URL. */
export async function startReplica(name: string, configFile: string): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "--config", configFile], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  const lines = createInterface({ input: child.stdout! });
  child.stderr!.on("data", (chunk: Buffer) => log.push(chunk.toString("utf8")));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s:\n${log.join("\n")}`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${log.join("\n")}`));
    });
    lines.on("line", (line) => {
      log.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === "gateway ready" && entry.url) {
          clearTimeout(timer);
          resolveUrl(entry.url);
        }
      } catch {
        // not a log line
      }
    });
  });
  child.removeAllListeners("exit");
  return {
    name,
    url,
    process: child,
    log,
    async gql(query, variables) {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      return { status: res.status, cacheStatus: res.headers.get("cache-status"), body: (await res.json()) as any };
    },
    stop: () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once("exit", () => done());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(5).toString("hex")}`;

export { deleteKeys } from "../support/redis-keys.js";
