import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs. Anything that could hold a credential is redacted by path, so a careless log call cannot leak one.
 * `destination` defaults to stdout; tests pass a stream to read what was logged.
 */
export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          "*.password",
          "*.refreshToken",
          "*.token",
          "*.apiKey",
          "*.secret",
          "*.hs256Secret",
          "*.keyHash",
          "*.authorization",
          "*.headers.authorization",
          "config.sources.*.password",
          "config.sources.*.refreshToken",
          "config.auth.jwt.hs256Secret",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
