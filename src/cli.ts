import { parseArgs } from "node:util";
import { readStartupSettings } from "./config/env.js";
import type { GatewayConfig } from "./config/schema.js";
import { runCheck } from "./cli/check.js";
import { DOCUMENTS_USAGE, documentsUsageProblem, runDocuments } from "./cli/documents.js";
import { KEYS_USAGE, keysUsageProblem, runKeys } from "./cli/keys.js";
import { runMigrate } from "./cli/migrate.js";
import { STORE_USAGE, storeUsageProblem, runStore } from "./cli/store.js";
import { EXIT, processOutput, type CliOutput } from "./cli/output.js";

export type { CliOutput };

const USAGE = `usage: license-gateway keys <command> --config FILE
       license-gateway documents <command> --config FILE
       license-gateway check --config FILE
       license-gateway migrate --config FILE
       license-gateway store copy --from URL --to URL

  check
        validates the config, then checks the store and its migrations, Redis (when cache.url is set) and
        each source's connectivity and credentials with one authenticated read that changes nothing; prints
        one line per check (ok, or failed with a code and a message) and exits 1 if any failed
  migrate
        applies the migrations the store lacks (as the gateway does at start, safe while it runs) and prints
        each version applied, nothing when the store is up to date
${KEYS_USAGE}
${DOCUMENTS_USAGE}
${STORE_USAGE}

--config FILE (or GATEWAY_CONFIG) is the gateway's config; \${NAME} references in it are read from the
environment. A sqlite:// store may be used while the gateway runs: a command's write waits for the gateway's.`;

/** Runs one command; resolves to the exit code (0 done, 1 refused or failed, 2 usage). Audited as principal `cli`. */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliOutput = processOutput,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        customer: { type: "string" },
        grant: { type: "string", multiple: true },
        replace: { type: "boolean" },
        lock: { type: "boolean" },
        from: { type: "string" },
        to: { type: "string" },
        "from-schema": { type: "string" },
        "to-schema": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [group, command, ...rest] = positionals;
  if (values.help) {
    io.err(USAGE);
    return EXIT.ok;
  }
  try {
    switch (group) {
      case "check":
        if (positionals.length > 1) return usage(io, "check takes no arguments besides --config");
        return await runCheck(values.config, env, io);
      case "migrate": {
        if (positionals.length > 1) return usage(io, "migrate takes no arguments besides --config");
        const config = await configOf(values.config, env);
        return config
          ? await runMigrate(config, io)
          : usage(io, "needs --config FILE (or GATEWAY_CONFIG): migrate works on the store it names");
      }
      case "keys": {
        const args = { command, rest, role: values.role, name: values.name, customer: values.customer, grant: values.grant };
        const problem = keysUsageProblem(args);
        if (problem) return usage(io, problem);
        const config = await configOf(values.config, env);
        return config
          ? await runKeys(args, config, io)
          : usage(io, "needs --config FILE (or GATEWAY_CONFIG): the keys live in the store it names");
      }
      case "documents": {
        const args = { command, rest, replace: values.replace, lock: values.lock };
        const problem = documentsUsageProblem(args);
        if (problem) return usage(io, problem);
        const config = await configOf(values.config, env);
        return config
          ? await runDocuments(args, config, io)
          : usage(io, "needs --config FILE (or GATEWAY_CONFIG): the documents live in the store it names");
      }
      case "store": {
        const args = {
          command,
          rest,
          from: values.from,
          to: values.to,
          fromSchema: values["from-schema"],
          toSchema: values["to-schema"],
          config: values.config,
        };
        const problem = storeUsageProblem(args);
        return problem ? usage(io, problem) : await runStore(args, io);
      }
      default:
        io.err(USAGE);
        return EXIT.usage;
    }
  } catch (error) {
    io.err(`license-gateway: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

/** The config named by --config or GATEWAY_CONFIG, validated; undefined when neither names one. */
async function configOf(file: string | undefined, env: Record<string, string | undefined>): Promise<GatewayConfig | undefined> {
  return (await readStartupSettings(file === undefined ? [] : ["--config", file], env)).config;
}

function usage(io: CliOutput, message: string): number {
  io.err(`license-gateway: ${message}\n\n${USAGE}`);
  return EXIT.usage;
}
