import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs. Anything that could hold a credential is redacted by path, so a careless log call cannot leak one.
 */
export function createLogger(level = "info"): Logger {
  return pino({
    level,
    redact: {
      paths: ["*.password", "*.refreshToken", "*.token", "*.apiKey", "*.authorization", "*.headers.authorization", "config.sources.*.password", "config.sources.*.refreshToken"],
      censor: "[redacted]",
    },
  });
}
