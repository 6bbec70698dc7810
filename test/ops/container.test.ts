import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { startGateway, type Gateway } from "../../src/app.js";
import { loadConfigFile } from "../../src/config/load.js";
import { configSchema } from "../../src/config/schema.js";
import { captureLogs } from "./log-capture.js";
import { MIGRATE_COMMAND, ROOT, START_COMMAND } from "../support/gateway-process.js";

/**
 * There is no Docker engine here, so the Dockerfile and compose.yaml are held to what the tests prove instead:
 * every command they run is one a test runs (the start command in shutdown.test.ts, migrate in
 * cli-migrate.test.ts, the HEALTHCHECK below), the image runs the built dist/ as an unprivileged user with no
 * dev dependency and no TypeScript, and the config compose mounts passes the gateway's own validation.
 */
const run = promisify(execFile);
const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
const CONFIG_PATH = "/etc/license-gateway/gateway.yaml";

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage, continuation lines joined and comments dropped. */
function dockerfileStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  for (const line of text.replace(/\\\n\s*/g, "").split("\n")) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match || line.trim().startsWith("#")) continue;
    const instruction = { keyword: match[1]!, args: match[2]!.trim() };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** The exec-form JSON array of a CMD or HEALTHCHECK ... CMD. */
function execForm(args: string): string[] {
  return JSON.parse(args.slice(args.indexOf("[")));
}

const stages = dockerfileStages(read("Dockerfile"));
const final = stages.at(-1)!;
/** The stage the final one takes node_modules from, by its `AS` name. */
const fromStage = (path: string): Instruction[] | undefined => {
  const copy = final.find((i) => i.keyword === "COPY" && i.args.startsWith("--from=") && i.args.split(/\s+/)[1]!.endsWith(path));
  const name = copy && /^--from=(\S+)/.exec(copy.args)![1];
  return stages.find((stage) => new RegExp(`\\sAS\\s+${name}$`, "i").test(stage[0]!.args));
};
const one = (keyword: string) => final.filter((i) => i.keyword === keyword);
const compose = parseYaml(read("compose.yaml")) as { services: Record<string, any> };
const gatewayService = compose.services.gateway;
const pkg = JSON.parse(read("package.json")) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  scripts: Record<string, string>;
};

describe("Dockerfile", () => {
  it("is multi-stage on node:20-bookworm-slim: a build stage installs with `npm ci`, builds, then prunes the dev dependencies", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage[0]!.args).toMatch(/^node:20-bookworm-slim(\s+AS\s+\w+)?$/);
    const installs = stages.flat().filter((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args));
    expect(installs).toHaveLength(1);
    // The build needs esbuild, a dev dependency: the one install takes them all, as locked.
    expect(installs[0]!.args).not.toContain("--omit=dev");
    const build = fromStage("node_modules");
    expect(build, "the final stage copies node_modules from a named stage").toBeDefined();
    expect(fromStage("dist"), "dist/ comes from the same stage").toBe(build);
    const runs = build!.filter((i) => i.keyword === "RUN").map((i) => i.args);
    const at = (pattern: RegExp) => runs.findIndex((args) => pattern.test(args));
    expect(at(/\bnpm ci\b/)).toBeGreaterThanOrEqual(0);
    // Installed, built, then pruned, in that order: the node_modules the image gets hold production dependencies only.
    expect(at(/\bnpm run build\b/)).toBeGreaterThan(at(/\bnpm ci\b/));
    expect(at(/\bnpm prune --omit=dev\b/)).toBeGreaterThan(at(/\bnpm run build\b/));
    expect(runs.slice(at(/\bnpm prune --omit=dev\b/) + 1)).toEqual([]);
    expect(final.filter((i) => i.keyword === "RUN" && /\bnpm\b/.test(i.args))).toEqual([]);
  });

  it("ships the built JavaScript and no TypeScript: no src/, no tsx, no compiler", () => {
    const copied = final.filter((i) => i.keyword === "COPY").map((i) => i.args.split(/\s+/).filter((a) => !a.startsWith("--")));
    const sources = copied.flatMap((args) => args.slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(["/app/dist", "/app/node_modules", "bin"]));
    for (const path of sources) expect(path, path).not.toMatch(/(^|\/)(src|scripts|tsconfig\.json)(\/|$)/);
    for (const name of ["tsx", "typescript", "esbuild"]) {
      expect(pkg.dependencies[name], `${name} is not a production dependency`).toBeUndefined();
      expect(pkg.devDependencies[name], `${name} is a dev dependency, pruned from the image`).toBeDefined();
    }
    expect(START_COMMAND.join(" ")).not.toMatch(/tsx|\.ts\b/);
  });

  it("runs as a non-root user, exposes 4000, and starts with the command the shutdown test runs", () => {
    const users = one("USER").map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    // USER comes before CMD, so the gateway itself is unprivileged.
    expect(final.findIndex((i) => i.keyword === "USER")).toBeLessThan(final.findIndex((i) => i.keyword === "CMD"));
    expect(one("EXPOSE").map((i) => i.args)).toEqual(["4000"]);
    expect(execForm(one("CMD")[0]!.args)).toEqual([...START_COMMAND]);
  });

  it("starts as `npm start` does, with the heap ceiling that keeps V8's heap growth memory-bounded (docs/operations.md#memory)", () => {
    expect(pkg.scripts.start).toBe(START_COMMAND.join(" "));
    // The bench reads its gateways' flags from the start script (bench/production-flags.ts): it measures this.
    expect(START_COMMAND).toContain("--max-old-space-size=1024");
  });

  it("copies only files that exist and that .dockerignore lets through, in every stage", () => {
    const rules = read(".dockerignore")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    // As Docker reads it: the last pattern matching a path decides, and `!pattern` lets it through again.
    const ignored = (path: string) =>
      rules.reduce((out, rule) => {
        const pattern = rule.replace(/^!/, "");
        return pattern === path || pattern === path.split("/")[0] ? !rule.startsWith("!") : out;
      }, false);
    const copied = stages
      .flat()
      .filter((i) => i.keyword === "COPY" && !i.args.startsWith("--from="))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const path of copied) {
      expect(existsSync(join(ROOT, path)), path).toBe(true);
      expect(ignored(path), path).toBe(false);
    }
    // The build reads the sources, tsconfig.json (decorators) and its script; the image needs package.json
    // ("type": "module" makes dist/*.js ES modules) and bin/.
    expect(copied).toEqual(
      expect.arrayContaining(["bin", "src", "tsconfig.json", "scripts/build.mjs", "package.json", "package-lock.json"]),
    );
    // Secrets, local data and a local build never reach the build context.
    expect(rules).toEqual(expect.arrayContaining([".env", "data", "node_modules", "dist"]));
    expect(ignored("scripts/load-test.ts")).toBe(true);
  });

  it("needs nothing from devDependencies at run time: every package src/, bin/ and the built dist/ import is a dependency", () => {
    const imported = new Set<string>();
    const add = (spec: string) => {
      if (spec.startsWith(".") || spec.startsWith("node:")) return;
      imported.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
    };
    for (const file of [...walk(join(ROOT, "src")), join(ROOT, "bin", "license-gateway.js")]) {
      // Value imports only: `import type` is erased by the build.
      for (const [, spec] of readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"([^"]+)"/gms))
        add(spec!);
    }
    const fromSources = new Set(imported);
    // What production runs: the bundles vitest's global setup built from these sources.
    const built = distImports();
    for (const spec of built) add(spec);
    expect(fromSources.size).toBeGreaterThan(5);
    expect(built.filter((spec) => !spec.startsWith(".") && !spec.startsWith("node:")).length).toBeGreaterThan(5);
    // esbuild keeps a builtin's specifier as written: every one in src/ says node:, so none can pass for a package.
    expect(built.filter((spec) => builtinModules.includes(spec))).toEqual([]);
    // An optional dependency (PGlite, which only `store copy` reads) is loaded with import() by the command that
    // needs it: never imported statically, and never by the gateway itself.
    const optional = Object.keys(pkg.optionalDependencies ?? {});
    expect([...imported].filter((name) => !(name in pkg.dependencies) && !optional.includes(name)).sort()).toEqual([]);
    expect([...fromSources].filter((name) => optional.includes(name))).toEqual([]);
    expect(distImports(["main.js"]).filter((spec) => optional.some((name) => spec === name || spec.startsWith(`${name}/`)))).toEqual([]);
  });

  it("has no production dependency that dist/ does not use", () => {
    const used = new Set(distImports().map((spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!)));
    // GraphiQL's page inlines files read from these packages (src/server/graphiql.ts): used, though not imported.
    for (const name of ["graphiql", "react", "react-dom"]) used.add(name);
    expect(
      Object.keys(pkg.dependencies)
        .filter((name) => !used.has(name))
        .sort(),
    ).toEqual([]);
  });
});

describe("the Dockerfile's HEALTHCHECK", () => {
  let gateway: Gateway;
  let closed = false;
  beforeAll(async () => {
    const config = configSchema.parse({ server: { host: "127.0.0.1", port: 0 }, store: { url: "memory://" }, auth: { mode: "off" } });
    gateway = await startGateway({ config, logger: captureLogs("silent").logger });
  });
  afterAll(() => (closed ? undefined : gateway?.close()));

  it("probes /healthz, and its command succeeds against a running gateway and fails when none answers", async () => {
    const healthcheck = one("HEALTHCHECK");
    expect(healthcheck).toHaveLength(1);
    expect(healthcheck[0]!.args).toMatch(/--interval=\d+s/);
    const [command, ...args] = execForm(healthcheck[0]!.args);
    expect(command).toBe("node");
    expect(args.join(" ")).toContain("/healthz");
    const port = new URL(gateway.url).port;
    const healthy = await run(process.execPath, args, { env: { ...process.env, PORT: port } });
    expect(healthy.stderr).toBe("");
    await gateway.close();
    closed = true;
    await expect(run(process.execPath, args, { env: { ...process.env, PORT: port } })).rejects.toMatchObject({ code: 1 });
  });
});

describe("compose.yaml", () => {
  it("runs the gateway with PostgreSQL 16 and Redis 7, each healthy before the gateway starts", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["gateway", "postgres", "redis"]);
    expect(compose.services.postgres.image).toBe("postgres:16");
    expect(compose.services.redis.image).toBe("redis:7");
    for (const name of ["postgres", "redis"]) {
      expect(compose.services[name].healthcheck.test.length, name).toBeGreaterThan(1);
      expect(gatewayService.depends_on[name], name).toEqual({ condition: "service_healthy" });
    }
    expect(gatewayService.build).toBe(".");
    expect(gatewayService.ports).toEqual(["4000:4000"]);
  });

  it("migrates, then starts, with exactly the commands the tests run", () => {
    const [shell, flag, script] = gatewayService.command as string[];
    expect([shell, flag]).toEqual(["sh", "-c"]);
    const [migrateStep, startStep, ...more] = script!.split("&&").map((s: string) => s.trim().split(/\s+/));
    expect(more).toEqual([]);
    expect(migrateStep).toEqual([...MIGRATE_COMMAND, "--config", CONFIG_PATH]);
    // The CLI is the package's bin, so `npx license-gateway migrate` is the same command.
    expect(pkg.bin["license-gateway"]).toBe(MIGRATE_COMMAND[1]);
    // exec: the gateway replaces the shell, so SIGTERM reaches it (tini, `init: true`, forwards it).
    expect(startStep).toEqual(["exec", ...START_COMMAND, "--config", CONFIG_PATH]);
    expect(gatewayService.init).toBe(true);
    expect(gatewayService.volumes).toEqual([`./deploy/gateway.yaml:${CONFIG_PATH}:ro`]);
  });

  it("mounts a config that passes the gateway's validation, with every secret from the environment", async () => {
    const file = join(ROOT, "deploy", "gateway.yaml");
    const text = readFileSync(file, "utf8");
    const referenced = [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1]!))].sort();
    expect(referenced.length).toBeGreaterThan(0);
    // Compose passes each one from the operator's environment, failing loudly when one is missing; none is written down.
    const environment = gatewayService.environment as Record<string, string>;
    expect(Object.keys(environment).sort()).toEqual(referenced);
    for (const [name, value] of Object.entries(environment)) expect(value).toMatch(new RegExp(`^\\$\\{${name}:\\?[^}]+\\}$`));
    expect(compose.services.postgres.environment.POSTGRES_PASSWORD).toBe(environment.POSTGRES_PASSWORD);

    const config = await loadConfigFile(file, Object.fromEntries(referenced.map((name) => [name, `placeholder-${name.toLowerCase()}`])));
    expect(config.auth?.mode).toBe("on");
    // Its hosts are compose's service names.
    expect(new URL(config.store.url).host).toBe("postgres:5432");
    expect(new URL(config.store.url).username).toBe(compose.services.postgres.environment.POSTGRES_USER);
    expect(config.cache.url && new URL(config.cache.url).host).toBe("redis:6379");
    expect(config.server.port).toBe(4000);
    // Docker sends SIGKILL after stop_grace_period: the gateway's own grace period must end first.
    const stopGraceMs = Number(/^(\d+)s$/.exec(gatewayService.stop_grace_period)![1]) * 1000;
    expect(config.server.shutdownGraceMs).toBeLessThan(stopGraceMs);
  });
});

/** Every module specifier the built entry points import (dist/ is built by vitest's global setup). */
function distImports(entries = ["main.js", "cli.js"]): string[] {
  const specs = new Set<string>();
  for (const entry of entries) {
    const text = readFileSync(join(ROOT, "dist", entry), "utf8");
    // A statement never holds a ";" before its end, so a match cannot run on into the next one.
    for (const [, spec] of text.matchAll(/^(?:import|export)\b[^";]*?"([^"]+)";$/gm)) specs.add(spec!);
    for (const [, spec] of text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)) specs.add(spec!);
  }
  return [...specs];
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(ts|js)$/.test(name)) yield path;
  }
}
