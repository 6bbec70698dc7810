import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { parse as parseYaml } from "yaml";
import { configSchema, type GatewayConfig } from "./schema.js";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Replaces `${NAME}` in every string of the parsed document with the variable's value. Done on the parsed
 * tree, not the text, so a secret containing quotes or YAML syntax cannot change the document's shape.
 */
export function expandEnv(value: unknown, env: Record<string, string | undefined>, path: string[] = []): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined || found === "") {
        throw new ConfigError(`config ${formatPath(path)}: environment variable ${name} is not set`);
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, [...path, String(i)]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k])]));
  }
  return value;
}

function formatPath(path: (string | number)[]): string {
  return path.length === 0 ? "(root)" : path.join(".");
}

/** Validates a parsed config document. The error names the key and the rule, never the value (it may be a secret). */
export function parseConfig(document: unknown, env: Record<string, string | undefined>): GatewayConfig {
  const expanded = expandEnv(document ?? {}, env);
  const result = configSchema.safeParse(expanded);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${formatPath(issue.path as (string | number)[])}: ${issue.message}`);
    throw new ConfigError(`invalid config:\n${lines.join("\n")}`);
  }
  return result.data;
}

/**
 * Reads and validates a config file. A file must say how clients authenticate: without an `auth` section the
 * gateway would be open to anyone, so that is refused here (only the built-in demo runs without one).
 */
export async function loadConfigFile(file: string, env: Record<string, string | undefined>): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let document: unknown;
  try {
    document = extname(file).toLowerCase() === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`config file ${file} is not valid ${extname(file) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
  const config = parseConfig(document, env);
  if (config.auth === undefined) {
    throw new ConfigError(
      `invalid config:\n  auth: required in a config file. Use auth: { mode: on } (API keys; add jwt: { hs256Secret | jwksFile, issuer, audience } ` +
        "for bearer JWTs), or auth: { mode: off } to let every client in as an admin (demos and tests only)",
    );
  }
  return config;
}
