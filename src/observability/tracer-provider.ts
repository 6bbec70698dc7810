import type { DetectedResourceAttributes } from "@opentelemetry/resources";
import type { BasicTracerProvider, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { TelemetryConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";
import { loggedExporter } from "./logged-exporter.js";

/**
 * The OpenTelemetry SDK's provider for one gateway (never registered globally). `exporter` (tests) receives every
 * span as it ends; otherwise spans go to `config.otlp` in batches; neither, no provider.
 *
 * The SDK and the OTLP exporter are imported here, when tracing is on, not at start-up: most gateways never trace,
 * and loading them was a measurable part of every start (bench/startup.ts --profile). import() of the packages
 * themselves, since the production bundle (scripts/build.mjs) keeps a dynamic import of a package dynamic but
 * hoists the static imports of a bundled file.
 */
export async function tracerProvider(
  config: TelemetryConfig["tracing"],
  logger: Logger,
  exporter: SpanExporter | undefined,
  resource: DetectedResourceAttributes,
): Promise<BasicTracerProvider | undefined> {
  const otlp = config.otlp;
  if (!exporter && !otlp) return undefined;
  const [sdk, { resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
  ]);
  let processor;
  if (exporter) processor = new sdk.SimpleSpanProcessor(exporter);
  else {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    processor = new sdk.BatchSpanProcessor(
      loggedExporter(new OTLPTraceExporter({ url: otlp!.url, headers: { ...otlp!.headers }, timeoutMillis: otlp!.timeoutMs }), logger),
    );
  }
  const root = config.sampleRatio >= 1 ? new sdk.AlwaysOnSampler() : new sdk.TraceIdRatioBasedSampler(config.sampleRatio);
  return new sdk.BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    // A client's sampling decision is followed, so its trace is whole; otherwise the ratio decides.
    sampler: new sdk.ParentBasedSampler({ root }),
    spanProcessors: [processor],
  });
}
