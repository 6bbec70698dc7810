import { pino, type DestinationStream, type Logger } from "pino";
import { currentRequest } from "./domain/operation-context.js";

export type { Logger };

/**
 * Field names that hold a credential wherever they appear: vendor passwords and tokens, API keys, the JWT secret,
 * the metrics endpoint's bearer token.
 */
const SECRET_FIELDS = [
  "password",
  "refreshToken",
  "accessToken",
  "token",
  "bearerToken",
  "apiKey",
  "secret",
  "hs256Secret",
  "clientSecret",
  "keyHash",
  "authorization",
  "cookie",
];

/**
 * Redaction by path (pino has no recursive wildcard): each secret field at the top level and two levels down, a
 * full config's sources, URLs that may carry a password (store, Redis), the OTLP exporter's headers (an API key,
 * under any name), request headers, and the arguments of a failed Redis command (ioredis puts them on its errors:
 * an AUTH command's are the password).
 */
const REDACTED_PATHS = [
  ...SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  "config.sources.*.password",
  "config.sources.*.refreshToken",
  "config.sources.*.token",
  "config.sources.*.apiKey",
  "config.auth.jwt.hs256Secret",
  "config.store.url",
  "config.cache.url",
  "config.telemetry.metrics.bearerToken",
  "config.telemetry.tracing.otlp.headers",
  "telemetry.tracing.otlp.headers",
  "tracing.otlp.headers",
  "otlp.headers",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
  "*.headers.authorization",
  "*.headers.cookie",
  "err.command.args",
  "*.err.command.args",
];

/**
 * JSON logs. Anything that could hold a credential is redacted by path, so a careless log call cannot leak one
 * (test/ops/log-secrets.test.ts runs the gateway with credentials and searches the log for each). A line written
 * while a request is handled carries its `requestId`. `destination` defaults to stdout; tests pass a stream.
 */
export function createLogger(level = "info", destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      mixin: () => {
        const request = currentRequest();
        return request ? { requestId: request.id } : {};
      },
    },
    destination,
  );
}
