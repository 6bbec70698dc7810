/**
 * What the HTTP client (src/sources/http.ts) reports about each call to a vendor. The gateway hands its telemetry
 * to every source it builds (SourceContext, src/sources/vendor-module.ts), and each source to its clients (its
 * VendorTransport). Nothing here depends on prom-client or OpenTelemetry: a client built outside a gateway
 * (adapter tests) reports to the no-op below.
 */

/** One attempt at an upstream call, as the client knows it before sending. */
export interface UpstreamCallInfo {
  source: string;
  method: string;
  /** The path template ("/v1/license/customer/{}"), never the concrete path: ids and keys stay out of telemetry. */
  endpoint: string;
  /** The vendor's base URL; only its host, port and scheme are reported. */
  baseUrl: URL;
  /** Earlier attempts of the same call (retries); 0 for the first. */
  resendCount: number;
}

/** An attempt under way. */
export interface UpstreamCall {
  /** Headers to add to the request (`traceparent`, `tracestate`); undefined when tracing is off. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** The vendor's HTTP status, or the gateway's error code (UPSTREAM_TIMEOUT...) when no complete answer came. */
  end(result: number | string): void;
}

/**
 * A vendor answer an adapter turned into an error. What the vendor said is for the log only: a client's error
 * carries the gateway's own words (src/sources/vendor-answer.ts).
 */
export interface VendorErrorAnswer {
  source: string;
  method: string;
  /** The path template, as in metrics. */
  endpoint: string;
  /** The vendor's HTTP status. */
  status: number;
  /** The gateway's code for the answer: UPSTREAM_* for a vendor failure, a domain code (NOT_FOUND...) otherwise. */
  code: string;
  /** The vendor's words, already scrubbed of credentials and cut to a bound (src/sources/vendor-text.ts). */
  vendorSaid: string;
}

/** Values of one descriptive field that came with an unexpected type in one answer, read leniently. */
export interface VendorDrift {
  source: string;
  /** The vendor's field name (from the adapter's decoder, never from the body). */
  field: string;
  endpoint: string;
  /** The JSON type that came instead ("string", "object"...); never the value. */
  got: string;
  count: number;
}

export interface UpstreamTelemetry {
  start(call: UpstreamCallInfo): UpstreamCall;
  /** A vendor access token was fetched for `source` (not served from memory). */
  tokenFetched(source: string): void;
  /** Once per vendor answer that became an error: logged, with the request id when there is one. */
  vendorError(answer: VendorErrorAnswer): void;
  /** A descriptive field drifted: counted every time, logged once per source and field. */
  drifted(drift: VendorDrift): void;
}

const NO_CALL: UpstreamCall = { headers: undefined, end: () => {} };

export const NO_UPSTREAM_TELEMETRY: UpstreamTelemetry = {
  start: () => NO_CALL,
  tokenFetched: () => {},
  vendorError: () => {},
  drifted: () => {},
};
