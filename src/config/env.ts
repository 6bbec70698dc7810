import { loadConfigFile, parseConfig } from "./load.js";
import type { GatewayConfig } from "./schema.js";

/**
 * The only module that reads the process environment and arguments:
 *   --config FILE / GATEWAY_CONFIG=FILE   the config file (JSON or YAML); none means the demo
 *   PORT, HOST                            override server.port / server.host
 *   any other variable                    only through ${NAME} references in the config file
 */
export interface StartupSettings {
  configFile: string | undefined;
  /** Undefined when no config file was given: run the demo. */
  config: GatewayConfig | undefined;
  port: number | undefined;
  host: string | undefined;
}

export async function readStartupSettings(argv: readonly string[], env: Record<string, string | undefined>): Promise<StartupSettings> {
  const flag = argv.indexOf("--config");
  const configFile =
    flag >= 0 ? argv[flag + 1] : (argv.find((a) => a.startsWith("--config="))?.slice("--config=".length) ?? env.GATEWAY_CONFIG);
  if (flag >= 0 && !configFile) throw new Error("--config needs a file name");
  const port = env.PORT === undefined || env.PORT === "" ? undefined : Number(env.PORT);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST || undefined;
  const config = configFile ? await loadConfigFile(configFile, env) : undefined;
  return { configFile, config, port, host };
}

export function withListenOverrides(config: GatewayConfig, settings: StartupSettings): GatewayConfig {
  return { ...config, server: { ...config.server, host: settings.host ?? config.server.host, port: settings.port ?? config.server.port } };
}

export { parseConfig };
