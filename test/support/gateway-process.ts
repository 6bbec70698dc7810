import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * How the gateway is started in production: the Dockerfile's CMD and compose's command run exactly this (plus
 * `--config FILE`); test/ops/container.test.ts checks that they do. The built JavaScript, with no TypeScript
 * transform: vitest's global setup (test/support/build-dist.ts) builds dist/ from the sources once per run.
 */
export const START_COMMAND = ["node", "--enable-source-maps", "--max-old-space-size=1024", "dist/main.js"] as const;

/**
 * The environment the image gives the gateway: the final stage's `ENV` lines of the Dockerfile (NODE_ENV=production).
 * Spawned gateways get it too, replacing what vitest sets (NODE_ENV=test): libraries behave differently under
 * each (Apollo Server stops itself on SIGTERM unless NODE_ENV is test), and the tests must see what the image does.
 */
export const IMAGE_ENV: Readonly<Record<string, string>> = (() => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const finalStage = dockerfile.slice(dockerfile.search(/^FROM(?![\s\S]*^FROM)/m));
  return Object.fromEntries([...finalStage.matchAll(/^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/gm)].map((m) => [m[1]!, m[2]!]));
})();

/** How compose runs the migrations before it starts the gateway (plus `--config FILE`); cli-migrate.test.ts runs it. */
export const MIGRATE_COMMAND = ["node", "bin/license-gateway.js", "migrate"] as const;

export interface GatewayProcess {
  child: ChildProcess;
  /** The GraphQL URL, once the gateway logged that it is ready. */
  url: Promise<string>;
  /** Every JSON log line so far. */
  entries(): Array<Record<string, any>>;
  /** Resolves with the first log line matching, waiting for it. */
  logged(match: (entry: Record<string, any>) => boolean): Promise<Record<string, any>>;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `START_COMMAND --config <file>` from the repository root, as an operator (or a container) would. */
export function spawnGateway(configFile: string): GatewayProcess {
  return spawnStart(["--config", configFile], {});
}

/** Starts `START_COMMAND` with no config, as `npm start` and the image do: the demo, on a free port of 127.0.0.1. */
export function spawnDemo(): GatewayProcess {
  return spawnStart([], { PORT: "0", HOST: "127.0.0.1" });
}

function spawnStart(args: string[], listen: Record<string, string>): GatewayProcess {
  const env = { ...process.env };
  for (const name of ["GATEWAY_CONFIG", "PORT", "HOST"]) delete env[name];
  const child = spawn(process.execPath, [...START_COMMAND.slice(1), ...args], {
    cwd: ROOT,
    env: { ...env, ...IMAGE_ENV, ...listen },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const entries: Array<Record<string, any>> = [];
  const waiters: Array<{ match: (e: Record<string, any>) => boolean; resolve: (e: Record<string, any>) => void }> = [];
  let pending = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => {
    pending += String(chunk);
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines.filter((l) => l.trim() !== "")) {
      const entry = JSON.parse(line) as Record<string, any>;
      entries.push(entry);
      for (const waiter of waiters.filter((w) => w.match(entry))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(entry);
      }
    }
  });
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const logged = (match: (e: Record<string, any>) => boolean) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const found = entries.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`the gateway exited (${code}) first; stderr: ${stderr}`)));
    });
  return {
    child,
    // The demo says more in its ready line ("demo gateway ready: built-in vendor simulators, ...").
    url: logged((e) => e.msg === "gateway ready" || e.msg?.startsWith("demo gateway ready")).then((e) => String(e.url)),
    entries: () => [...entries],
    logged,
    exited,
    stderr: () => stderr,
  };
}
