import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import type { BasicTracerProvider, SpanExporter } from "@opentelemetry/sdk-trace-base";
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import type { TelemetryConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";
import type { OperationOutcome } from "./metrics.js";
import { loggedOperationName } from "./operation-names.js";
import { parseTraceparent, traceHeaders } from "./trace-context.js";
import { tracerProvider } from "./tracer-provider.js";
import type { UpstreamCallInfo } from "./upstream-telemetry.js";

// Incubating semantic conventions, copied as the package recommends rather than imported from its unstable entry.
const ATTR_GRAPHQL_OPERATION_NAME = "graphql.operation.name";
const ATTR_GRAPHQL_OPERATION_TYPE = "graphql.operation.type";
const ATTR_URL_TEMPLATE = "url.template";
/** The gateway's own attributes: which configured source a call went to, and how an operation ended. */
const ATTR_SOURCE = "license_gateway.source";
const ATTR_OUTCOME = "license_gateway.outcome";

/** Reads one request header; Apollo's HeaderMap and a plain record both fit. */
export interface HeaderReader {
  get(name: string): string | undefined;
}

/** The span of one GraphQL operation. */
export interface OperationSpan {
  /** The context upstream calls take as their parent (kept on the operation scope). */
  readonly context: Context;
  /** Once the document is resolved: names the span after the operation. */
  resolved(type: string, name: string | null): void;
  /** `codes`: the error codes of the response, for the status (never messages: they may name ids and keys). */
  end(outcome: OperationOutcome, codes: readonly string[]): void;
}

/**
 * The tracer provider of one gateway (never registered globally) and the two kinds of span the gateway makes:
 * a server span per GraphQL operation, whose parent is the client's `traceparent` when it sent one, and a client
 * span per upstream call, whose parent is passed explicitly (no context manager, see trace-context.ts).
 *
 * Attributes are chosen so that nothing sensitive can reach a trace backend: operation type and name, the HTTP
 * method, the vendor's host, the endpoint template and the status. Never the document, variables, query
 * strings, bodies, concrete paths (ids, license keys) or headers.
 */
export class Tracing {
  private readonly tracer: Tracer;

  private constructor(private readonly provider: BasicTracerProvider) {
    this.tracer = provider.getTracer("license-gateway");
  }

  /**
   * Tracing per the config, or undefined when it is off (no `otlp` and no `exporter`): then no span is made and no
   * header is sent. `exporter` (tests) receives every span as it ends, instead of OTLP.
   */
  static async create(config: TelemetryConfig["tracing"], logger: Logger, exporter?: SpanExporter): Promise<Tracing | undefined> {
    const provider = await tracerProvider(config, logger, exporter, { [ATTR_SERVICE_NAME]: config.serviceName });
    return provider && new Tracing(provider);
  }

  /** `http`: the request as Apollo saw it; its `traceparent` and `tracestate` headers name the parent. */
  startOperation(http: { method: string; headers: HeaderReader } | undefined): OperationSpan {
    const remote = parseTraceparent(http?.headers.get("traceparent"), http?.headers.get("tracestate"));
    const parent = remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
    const span = this.tracer.startSpan(
      "GraphQL operation",
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_ROUTE]: "/graphql", ...(http ? { [ATTR_HTTP_REQUEST_METHOD]: http.method } : {}) },
      },
      parent,
    );
    return {
      context: trace.setSpan(parent, span),
      resolved(type, documentName) {
        // The span name is low-cardinality by convention: the type and the name the document gives, cut like
        // every logged operation name (spans are exported, or logged).
        const name = loggedOperationName(documentName);
        span.updateName(name ? `${type} ${name}` : type);
        span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
        if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
      },
      end(outcome, codes) {
        span.setAttribute(ATTR_OUTCOME, outcome);
        if (codes.length > 0) span.setAttribute(ATTR_ERROR_TYPE, codes[0]!);
        // A refusal is the client's mistake, not the server's: left unset, as HTTP servers leave a 4xx.
        if (outcome === "error" || outcome === "partial")
          span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(codes)].join(" ") });
        span.end();
      },
    };
  }

  /** A client span for one attempt at an upstream call, child of `parent` (the operation's), with the headers that carry it. */
  startUpstream(
    call: UpstreamCallInfo,
    parent: Context | undefined,
  ): { headers: Record<string, string>; end(result: number | string): void } {
    const { baseUrl } = call;
    const span: Span = this.tracer.startSpan(
      `${call.method} ${call.endpoint}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: call.method,
          [ATTR_SERVER_ADDRESS]: baseUrl.hostname,
          [ATTR_SERVER_PORT]: Number(baseUrl.port) || (baseUrl.protocol === "https:" ? 443 : 80),
          [ATTR_URL_SCHEME]: baseUrl.protocol.slice(0, -1),
          [ATTR_URL_TEMPLATE]: call.endpoint,
          [ATTR_SOURCE]: call.source,
          ...(call.resendCount > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: call.resendCount } : {}),
        },
      },
      parent ?? ROOT_CONTEXT,
    );
    return {
      headers: traceHeaders(span.spanContext()),
      end(result) {
        if (typeof result === "number") {
          span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result);
          // HTTP client convention: a 4xx or 5xx answer is an error of the call (the adapter may still accept it).
          if (result >= 400) span.setAttributes({ [ATTR_ERROR_TYPE]: String(result) }).setStatus({ code: SpanStatusCode.ERROR });
        } else {
          span.setAttribute(ATTR_ERROR_TYPE, result).setStatus({ code: SpanStatusCode.ERROR, message: result });
        }
        span.end();
      },
    };
  }

  /** Exports what is still buffered, then stops. Never throws: a failed last export is logged (loggedExporter). */
  async close(): Promise<void> {
    await this.provider.shutdown().catch(() => {});
  }
}
