import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hiveConfigFile, HIVE_VARIANTS, type HiveVariantId } from "./hive-variants.js";

/**
 * The Hive Gateway reference's inputs, written once per bench run into `<logDir>/hive/`: a Mesh Compose
 * configuration that loads the Eniris simulator's OpenAPI document with `@omnigraph/openapi`, the supergraph
 * `mesh-compose` makes of it, and one `gateway.config.ts` per Hive variant. The folder links to the scratch
 * install's node_modules, so both CLIs resolve their imports from there.
 *
 * The operation header is the template `Bearer {env.ENIRIS_ACCESS_TOKEN}`: Hive's REST transport fills it in from
 * its environment on every call, so the token is handed to the Hive process and never written to a file.
 */

/** The environment variable Hive reads the Eniris access token from. */
export const HIVE_TOKEN_VARIABLE = "ENIRIS_ACCESS_TOKEN";
/** The subgraph's name in the supergraph (and in Hive's generated type names). */
const SUBGRAPH = "Eniris";
const COMPOSE_TIMEOUT_MS = 120_000;

export interface HiveComposition {
  dir: string;
  supergraph: string;
  configs: Record<HiveVariantId, string>;
  composeMs: number;
}

/** `apiUrl`: the Eniris simulator's API host, which serves its OpenAPI document at /openapi.json. */
export async function composeHive(installDir: string, logDir: string, apiUrl: string): Promise<HiveComposition> {
  const dir = join(logDir, "hive");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, "node_modules"))) symlinkSync(join(installDir, "node_modules"), join(dir, "node_modules"), "dir");
  writeFileSync(join(dir, "mesh.config.ts"), meshConfig(apiUrl));
  const configs = {} as Record<HiveVariantId, string>;
  for (const variant of Object.values(HIVE_VARIANTS)) {
    configs[variant.id] = join(dir, `gateway-${variant.id}.config.ts`);
    writeFileSync(configs[variant.id], hiveConfigFile(variant));
  }

  const supergraph = join(dir, "supergraph.graphql");
  const started = performance.now();
  const logFile = join(logDir, "hive-compose.log");
  const code = await runNode(binOf(installDir, "@graphql-mesh/compose-cli", "mesh-compose"), ["-o", supergraph], dir, logFile);
  if (code !== 0 || !existsSync(supergraph)) throw new Error(`mesh-compose failed (${code}); its log: ${logFile}\n${tail(logFile)}`);
  return { dir, supergraph, configs, composeMs: performance.now() - started };
}

/** The script a package's `bin` names, run with this Node rather than through a shell wrapper. */
export function binOf(installDir: string, pkg: string, bin: string): string {
  const manifest = JSON.parse(readFileSync(join(installDir, "node_modules", pkg, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  return join(installDir, "node_modules", pkg, manifest.bin[bin]!);
}

function meshConfig(apiUrl: string): string {
  return [
    `// Written by the license gateway's bench (bench/references/hive-compose.ts).`,
    `import { defineConfig } from "@graphql-mesh/compose-cli";`,
    `import { loadOpenAPISubgraph } from "@omnigraph/openapi";`,
    ``,
    `export const composeConfig = defineConfig({`,
    `  subgraphs: [`,
    `    {`,
    `      sourceHandler: loadOpenAPISubgraph(${JSON.stringify(SUBGRAPH)}, {`,
    `        source: ${JSON.stringify(`${apiUrl}/openapi.json`)},`,
    `        endpoint: ${JSON.stringify(apiUrl)},`,
    `        operationHeaders: { Authorization: ${JSON.stringify(`Bearer {env.${HIVE_TOKEN_VARIABLE}}`)} },`,
    `      }),`,
    `    },`,
    `  ],`,
    `});`,
    ``,
  ].join("\n");
}

function runNode(script: string, args: string[], cwd: string, logFile: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => child.kill("SIGKILL"), COMPOSE_TIMEOUT_MS);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      log.end(() => resolve(code));
    });
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-10).join("\n");
  } catch {
    return "";
  }
}
