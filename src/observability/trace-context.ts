import { createTraceState, type SpanContext } from "@opentelemetry/api";

/**
 * The W3C Trace Context headers (https://www.w3.org/TR/trace-context/), read from a client and written to the
 * vendors. Written here rather than taken from @opentelemetry/core's propagator because that one goes through
 * the global propagation API and a context manager, and the gateway keeps its trace context on its own operation
 * scope (src/domain/operation-context.ts) instead of in a second AsyncLocalStorage.
 */

// version "-" trace-id "-" parent-id "-" flags, lowercase hex only; a later version may append "-" and more.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * The remote parent a client's `traceparent` (and `tracestate`) names, or undefined when the header is absent or
 * malformed: the spec says to start a new trace then, not to fail the request.
 */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (traceparent === undefined) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is forbidden; version 00 has nothing after the flags.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return undefined;
  const context: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16), isRemote: true };
  if (tracestate !== undefined && tracestate.trim() !== "") context.traceState = createTraceState(tracestate);
  return context;
}

/** The headers that carry `context` to a vendor: `traceparent`, and `tracestate` when there is one. */
export function traceHeaders(context: SpanContext): Record<string, string> {
  const headers: Record<string, string> = {
    traceparent: `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, "0")}`,
  };
  const state = context.traceState?.serialize();
  if (state) headers.tracestate = state;
  return headers;
}
