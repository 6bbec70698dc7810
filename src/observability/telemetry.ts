import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TelemetryConfig } from "../config/schema.js";
import { currentTrace } from "../domain/operation-context.js";
import type { GatewayContext } from "../graphql/context.js";
import type { Logger } from "../logger.js";
import type { GraphQLPlugin } from "../server/graphql-over-http/plugin.js";
import type { DocumentOutcome } from "../server/trusted-documents.js";
import { GatewayMetrics } from "./metrics.js";
import { metricsEndpoint, type MetricsEndpoint } from "./metrics-endpoint.js";
import { operationTelemetryPlugin } from "./operation-plugin.js";
import { Tracing } from "./tracing.js";
import { NO_UPSTREAM_TELEMETRY, type UpstreamTelemetry } from "./upstream-telemetry.js";
import { vendorLog, type VendorLog } from "./vendor-log.js";

/** What the HTTP server needs: the operation plugin, the metrics route, and a count of early refusals. */
export interface HttpTelemetry {
  plugins: GraphQLPlugin<GatewayContext>[];
  /** Undefined when metrics are off. */
  metrics: MetricsEndpoint | undefined;
  /** A request refused before its operation was read (a body too large, a limit checked on the raw request). */
  refused(): void;
  /** What became of an operation of an API key with trusted documents (src/server/trusted-documents.ts). */
  trustedDocument(apiKeyId: string, outcome: DocumentOutcome): void;
}

/** Metrics and traces of one gateway, handed to the parts that report them (see src/app.ts). */
export interface Telemetry {
  /** For the HTTP clients of the sources: given to each source as it is built (SourceContext). */
  upstream: UpstreamTelemetry;
  /** For the store: times each query (ms). Undefined when metrics are off, so queries are not wrapped at all. */
  storeQuery: ((sql: string, ms: number) => void) | undefined;
  http: HttpTelemetry;
  /** Undefined when metrics are off. */
  metrics: GatewayMetrics | undefined;
  /** Flushes buffered spans and stops the exporter. */
  close(): Promise<void>;
}

export interface TelemetryOptions {
  logger: Logger;
  /** Receives every span as it ends, instead of OTLP (tests: an InMemorySpanExporter). Turns tracing on. */
  spanExporter?: SpanExporter | undefined;
}

/**
 * Builds the telemetry `config` asks for. Off means free: with metrics off and no trace exporter, the HTTP client's
 * calls are not timed (only vendor errors and drift are still logged), the store is not wrapped, and no plugin is added.
 */
export async function createTelemetry(config: TelemetryConfig, options: TelemetryOptions): Promise<Telemetry> {
  const metrics = config.metrics.enabled ? new GatewayMetrics({ maxOperationNames: config.metrics.maxOperationNames }) : undefined;
  const tracing = await Tracing.create(config.tracing, options.logger, options.spanExporter);
  return {
    upstream: upstreamTelemetry(metrics, tracing, vendorLog(options.logger, metrics)),
    storeQuery: metrics && ((sql, ms) => metrics.storeQuery(sql, ms / 1000)),
    http: {
      plugins: metrics || tracing ? [operationTelemetryPlugin(metrics, tracing)] : [],
      metrics: metrics && metricsEndpoint(metrics, { path: config.metrics.path, bearerToken: config.metrics.bearerToken }),
      refused: () => metrics?.operation({ operation: "unknown", type: "unknown", outcome: "refused" }),
      trustedDocument: (apiKeyId, outcome) => metrics?.trustedDocument(apiKeyId, outcome),
    },
    metrics,
    close: async () => {
      await tracing?.close();
    },
  };
}

/**
 * Times and counts each attempt, and makes its client span, a child of the operation's span when there is one.
 * What vendors said in errors, and the fields they drifted on, are logged whether metrics are on or not.
 */
function upstreamTelemetry(metrics: GatewayMetrics | undefined, tracing: Tracing | undefined, log: VendorLog): UpstreamTelemetry {
  const calls = { vendorError: log.vendorError, drifted: log.drifted };
  if (!metrics && !tracing) return { ...NO_UPSTREAM_TELEMETRY, ...calls };
  return {
    ...calls,
    start(call) {
      const started = performance.now();
      // A background refresh runs outside any operation: its span is a root of its own.
      const span = tracing?.startUpstream(call, currentTrace());
      return {
        headers: span?.headers,
        end(result) {
          const labels = { source: call.source, endpoint: call.endpoint, method: call.method, status: String(result) };
          metrics?.upstream(labels, (performance.now() - started) / 1000);
          span?.end(result);
        },
      };
    },
    tokenFetched: (source) => metrics?.tokenFetched(source),
  };
}
