/**
 * One call to a vendor and its answer, as the HTTP client (src/sources/http.ts) takes and gives them. A file of
 * their own because the client and the guard around its attempts (src/sources/resilience/source-guard.ts) both
 * use them, and the client uses the guard: each imports these, not the other.
 */

export interface UpstreamRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /**
   * Path relative to the base URL; each segment already encoded by the caller. A path that carries a value (an id,
   * a key) must be built with `encodePath`: its template, not the value, is what metrics and traces show.
   */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Serialised as `application/x-www-form-urlencoded` (Cryptolens); ignored when `json` is set. */
  form?: Record<string, string>;
  /** Total time for this call; defaults to the source's timeoutMs. Cut short by the operation's deadline. */
  timeoutMs?: number;
  /**
   * Whether sending it twice has the effect of sending it once; only such requests are retried. Default: true for
   * GET, false otherwise, so a POST that only reads (a query endpoint) must say so, and a write never can by accident.
   */
  idempotent?: boolean;
  /** For a vendor that answers a request's own problem with a 5xx (Customerarea's validation 500): not a failure, not retried. */
  isDomainAnswer?: (res: UpstreamResponse) => boolean;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  method: UpstreamRequest["method"];
  /** The path template the request was built from (see `endpointOf` in http.ts): what logs say, never the concrete path. */
  endpoint: string;
}
