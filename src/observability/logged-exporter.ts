import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { Logger } from "../logger.js";

/** How often a failing collector is logged at most. */
const LOG_EVERY_MS = 60_000;
/** ExportResultCode.SUCCESS (@opentelemetry/core, which the gateway does not depend on directly). */
const SUCCESS = 0;

/**
 * `exporter`, with failed exports logged (OpenTelemetry reports them only to its global diagnostic logger, which
 * is silent unless set, so a misconfigured collector would otherwise go unnoticed). At most one warning a minute;
 * it names the error and the collector's HTTP status, never the request, whose headers may hold an API key.
 */
export function loggedExporter(exporter: SpanExporter, logger: Logger): SpanExporter {
  let loggedAt = Number.NEGATIVE_INFINITY;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== SUCCESS && Date.now() - loggedAt >= LOG_EVERY_MS) {
          loggedAt = Date.now();
          const error = result.error as (Error & { code?: unknown }) | undefined;
          logger.warn(
            {
              spans: spans.length,
              error: error?.name,
              status: typeof error?.code === "number" ? error.code : undefined,
              reason: error?.message?.slice(0, 200),
            },
            "could not export traces over OTLP; spans are dropped until the collector answers",
          );
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
