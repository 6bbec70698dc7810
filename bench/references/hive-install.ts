import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Hive Gateway, installed from the npm registry into a scratch folder outside the repository at pinned versions,
 * once per machine: the folder is named after a hash of the versions and the lockfile, so a run reuses it and a
 * change of either installs anew. The bench never depends on it: when it cannot be installed, the caller says why
 * and goes on.
 *
 * The whole tree is pinned by a lockfile (hive-package-lock.json, installed with `npm ci`), not only the four
 * packages: with `npm install`, a fresh machine resolves Hive's ~600 transitive packages to whatever is newest
 * that day, and the reference would no longer be the same program from one machine to the next. Made by
 * `npm install` of the package.json below; to move the reference to other versions, install them that way in a
 * scratch folder and copy its package-lock.json here.
 */

/** The reference's versions (issue 14). `graphql` is forced on every package so there is one copy of it. */
export const HIVE_PACKAGES = {
  "@graphql-hive/gateway": "2.15.1",
  "@graphql-mesh/compose-cli": "1.8.2",
  "@omnigraph/openapi": "0.112.4",
  graphql: "16.15.0",
} as const;

/** An install with nothing cached takes ~35 s here; a registry that does not answer should not hold the run. */
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const READY_FILE = "installed.json";
const LOCKFILE = new URL("./hive-package-lock.json", import.meta.url);

export interface HiveInstall {
  dir: string;
  /** The versions npm resolved for the pinned packages, read back from node_modules. */
  versions: Record<string, string>;
  /** Whether this run installed it (false: reused from an earlier run). */
  installedNow: boolean;
  installMs: number;
}

export type HiveInstallOutcome = { ok: true; install: HiveInstall } | { ok: false; reason: string };

export function hiveInstallDir(): string {
  const key = createHash("sha256").update(JSON.stringify(HIVE_PACKAGES)).update(readFileSync(LOCKFILE)).digest("hex").slice(0, 12);
  return join(tmpdir(), "license-gateway-bench-hive", key);
}

export async function ensureHive(log: (line: string) => void): Promise<HiveInstallOutcome> {
  const dir = hiveInstallDir();
  const started = performance.now();
  if (existsSync(join(dir, READY_FILE))) return installed(dir, false, started);

  // Installed beside the final folder and renamed into place when complete, so an interrupted install is never
  // mistaken for a finished one, and two runs at once do not install into the same folder.
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(
    join(staging, "package.json"),
    `${JSON.stringify({ name: "license-gateway-bench-hive", private: true, type: "module", dependencies: HIVE_PACKAGES, overrides: { graphql: HIVE_PACKAGES.graphql } }, null, 2)}\n`,
  );
  writeFileSync(join(staging, "package-lock.json"), readFileSync(LOCKFILE));
  log(
    `hive: installing ${Object.entries(HIVE_PACKAGES)
      .map(([name, version]) => `${name}@${version}`)
      .join(", ")} into ${dir} (once per machine)`,
  );
  const failure = await npmInstall(staging);
  if (failure !== undefined) {
    rmSync(staging, { recursive: true, force: true });
    return { ok: false, reason: `npm ci failed: ${failure}` };
  }
  writeFileSync(
    join(staging, READY_FILE),
    `${JSON.stringify({ packages: HIVE_PACKAGES, node: process.version, at: new Date().toISOString() })}\n`,
  );
  try {
    renameSync(staging, dir);
  } catch {
    // Another run finished first: use its folder.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(dir, READY_FILE))) return { ok: false, reason: `could not move the install into ${dir}` };
  }
  return installed(dir, true, started);
}

function installed(dir: string, installedNow: boolean, started: number): HiveInstallOutcome {
  const versions: Record<string, string> = {};
  for (const name of Object.keys(HIVE_PACKAGES)) {
    try {
      versions[name] = (JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return { ok: false, reason: `${name} is missing from ${dir}; delete the folder to install again` };
    }
  }
  return { ok: true, install: { dir, versions, installedNow, installMs: performance.now() - started } };
}

/** `npm ci` in `dir` (its package.json and lockfile); undefined when it worked, else the end of what npm said. */
function npmInstall(dir: string): Promise<string | undefined> {
  // `npm run bench` exports the project's npm context as lower-case npm_* variables (its package, its prefix):
  // the scratch install must not inherit them. A user's own NPM_CONFIG_* (a registry, a proxy) is kept.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")));
  return new Promise((resolve) => {
    // npm's default retries wait minutes on a registry that refuses connections; one quick retry is enough here.
    const args = [
      "ci",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "--fetch-retries=1",
      "--fetch-retry-mintimeout=2000",
      "--fetch-retry-maxtimeout=10000",
    ];
    const child = spawn("npm", args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer): void => {
      // npm says what went wrong first (code, then the failed request); the stack and advice follow.
      if (output.length < 4_000) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), INSTALL_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(undefined);
      const said = output
        .split("\n")
        .map((line) => line.replace(/^npm (error|ERR!)\s*/, "").trim())
        .filter((line) => line !== "" && !line.startsWith("at "))
        .slice(0, 4)
        .join(" / ")
        // A registry URL may carry credentials (https://user:token@host/).
        .replace(/\/\/[^/@\s]+@/g, "//***@");
      resolve(`${signal ? `killed (${signal}) after ${INSTALL_TIMEOUT_MS / 1000} s` : `exit code ${code}`}${said ? `: ${said}` : ""}`);
    });
  });
}
