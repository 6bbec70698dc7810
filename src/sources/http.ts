import { finished, type Readable } from "node:stream";
import { Agent, errors as undiciErrors } from "undici";
import { GatewayError } from "../errors/gateway-error.js";
import { NO_UPSTREAM_TELEMETRY, type UpstreamTelemetry } from "../observability/upstream-telemetry.js";
import type { CallWindow } from "./resilience/call-window.js";
import { resilienceOf } from "./resilience/policy.js";
import { retryAfterSeconds } from "./resilience/retry-after.js";
import { SourceGuard } from "./resilience/source-guard.js";
import type { UpstreamRequest, UpstreamResponse } from "./upstream-exchange.js";
import { scrubVendorText } from "./vendor-text.js";

export { retryAfterSeconds };

export interface HttpClientOptions {
  /** Source id, attached to every error so the client knows which vendor failed. */
  source: string;
  baseUrl: string;
  timeoutMs: number;
  connections: number;
  /** Requests pipelined on one keep-alive connection (undici pipelines only idempotent ones). Default 1: none. */
  pipelining?: number | undefined;
  maxResponseBytes: number;
  /**
   * Retries, circuit breaker, concurrency limit and latency figures of the source. Shared by every client of one
   * source (Eniris' API and auth hosts), and closed by the source. Default: a guard of this client's own with the
   * default settings, closed with the client.
   */
  guard?: SourceGuard;
  /**
   * Where each attempt's metrics and span go: the gateway's, handed down by the source that owns the client
   * (src/sources/vendor-transport.ts). Default: none (a client outside a gateway).
   */
  telemetry?: UpstreamTelemetry;
  /**
   * The source's credentials (and any token it holds now), read each time a vendor's text is logged: they are
   * redacted from it, on top of the shapes every credential takes (vendor-text.ts). Default: none.
   */
  secrets?: () => Iterable<string | undefined>;
}

/** What an error's code or class name looks like (ECONNREFUSED, UND_ERR_SOCKET, SocketError): nothing else is shown. */
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_]{1,40}$/;

/** A "." or ".." path segment, plain or percent-encoded: URL resolution would remove it and the segment before it. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** Joins path segments, percent-encoding each, so an id can never add a path segment or a query (dot segments: see `send`). */
export function encodePath(strings: TemplateStringsArray, ...values: string[]): string {
  if (!templateMatchers.has(strings)) learnTemplate(strings);
  return strings.reduce((out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]!) : ""), "");
}

/**
 * The path templates `encodePath` was called with, one per call site (a tagged template's strings array is the
 * same object at every call from one place), so a few dozen at most. Each matches the paths built from it: an
 * encoded value never contains "/", "?" or "#".
 */
const templateMatchers = new Map<TemplateStringsArray, { pattern: RegExp; endpoint: string }>();

function learnTemplate(strings: TemplateStringsArray): void {
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${strings.map(escape).join("[^/?#]*")}$`);
  templateMatchers.set(strings, { pattern, endpoint: `/${strings.join("{}").replace(/^\//, "")}` });
}

/**
 * What metrics and traces call the endpoint of `path`: the template it was built from ("/v1/license/customer/{}"),
 * or the path itself when it was not built by `encodePath` (a constant, by the rule on `UpstreamRequest.path`).
 * In case an adapter ever broke that rule, segments that look like values (digits, UUIDs, percent-encoding) are
 * masked anyway: a concrete id or key must never become a label.
 */
export function endpointOf(path: string): string {
  const bare = path.split("?")[0]!;
  for (const { pattern, endpoint } of templateMatchers.values()) if (pattern.test(bare)) return endpoint;
  return `/${bare.replace(/^\//, "")}`
    .split("/")
    .map((segment) => (/%|\d{3}|^[0-9a-f-]{16,}$/i.test(segment) ? "{}" : segment))
    .join("/");
}

/**
 * The one HTTP client every vendor adapter uses: keep-alive pool, a cap on the body size, transport failures
 * turned into coded errors, and around every call the source's guard (`resilience/source-guard.ts`): a timeout
 * per attempt bounded by the operation's deadline, retries of idempotent calls, the circuit breaker and the
 * concurrency limit. Status codes are left to the adapter, because only the vendor's folder knows what its 400
 * means; the guard only retries and counts 5xx and 429 answers, and hands the last one back.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly base: URL;
  /** `base`'s origin, read once: what the agent is asked for with each request's path. */
  private readonly origin: string;
  private readonly guard: SourceGuard;
  private readonly ownsGuard: boolean;
  /** Also for the source's own events (Eniris token fetches). */
  readonly telemetry: UpstreamTelemetry;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.origin = this.base.origin;
    this.ownsGuard = options.guard === undefined;
    this.guard = options.guard ?? new SourceGuard(options.source, resilienceOf({}));
    this.telemetry = options.telemetry ?? NO_UPSTREAM_TELEMETRY;
    this.agent = new Agent({
      connections: options.connections,
      pipelining: options.pipelining ?? 1,
      connect: { timeout: Math.min(options.timeoutMs, 5_000) },
      keepAliveTimeout: 10_000,
    });
  }

  get source(): string {
    return this.options.source;
  }

  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    // URL parsing resolves "." and ".." segments (even as %2e), so an id of ".." would silently reach the parent
    // endpoint: encodeURIComponent leaves dots alone, so refuse such a path before anything is sent. The message
    // names neither the path nor the value: the vendor's paths are not the client's business. Adapters refuse
    // such ids first, naming the argument (e.g. eniris/node-ids.ts); this is the guard behind them.
    if (DOT_SEGMENT.test(req.path.split("?")[0]!)) {
      throw new GatewayError(
        "BAD_USER_INPUT",
        `an id cannot be "." or "..": it would change which ${this.options.source} endpoint is called`,
        {
          source: this.options.source,
        },
      );
    }
    const url = new URL(req.path.replace(/^\//, ""), this.base);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const target = url.search ? `${url.pathname}${url.search}` : url.pathname;
    const headers: Record<string, string> = { accept: "application/json", ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers["content-type"] = "application/json";
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const endpoint = endpointOf(req.path);
    // In messages: the template, not the path, so no id and no vendor path reaches a client.
    const what = `${req.method} ${endpoint}`;
    const call = {
      what,
      idempotent: req.idempotent ?? req.method === "GET",
      timeoutMs: req.timeoutMs ?? this.options.timeoutMs,
      isDomainAnswer: req.isDomainAnswer,
    };
    let attempts = 0;
    return this.guard.send(call, async (window) => {
      // Each attempt (a retry too) is one request the vendor sees: one count, one span, its own traceparent.
      const observed = this.telemetry.start({
        source: this.options.source,
        method: req.method,
        endpoint,
        baseUrl: this.base,
        resendCount: attempts++,
      });
      try {
        // reset: false keeps the connection for the next call. undici otherwise closes it after a GET with a body,
        // in case the server left the body unread; Customerarea documents its reads as GETs with a JSON body and
        // reads it, and a new TCP connection for every such call cost about 5% of the gateway's CPU (npm run bench).
        const sent = observed.headers ? { ...headers, ...observed.headers } : headers;
        // The agent's own request(), given the origin and path, rather than undici's request(url, { dispatcher }),
        // which parses the URL again and copies the options: ~9 µs of CPU per call (same bench as AbortEvents').
        const res = await this.agent.request({
          origin: this.origin,
          path: target,
          method: req.method,
          headers: sent,
          body,
          signal: window.abortEvents,
          reset: false,
        });
        const text = await this.readCapped(res.body);
        observed.end(res.statusCode);
        return { status: res.statusCode, headers: res.headers, text, method: req.method, endpoint };
      } catch (error) {
        const coded = this.transportError(error, what, window);
        observed.end(coded.code);
        throw coded;
      }
    });
  }

  /**
   * The body as text, refused once it passes maxResponseBytes. Read through "data" events and `finished` (what a
   * `for await` over the stream runs on, so a stream that errors or closes early fails the same way) rather than
   * an async iterator, which makes a promise per chunk: ~2-3 µs of CPU less per call (same bench as AbortEvents').
   */
  private readCapped(body: Readable): Promise<string> {
    const max = this.options.maxResponseBytes;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      body.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= max) {
          chunks.push(chunk);
          return;
        }
        reject(new GatewayError("UPSTREAM_BAD_RESPONSE", `the response was larger than ${max} bytes`, { source: this.options.source }));
        body.destroy();
      });
      finished(body, (error) => (error ? reject(error) : resolve(Buffer.concat(chunks, size).toString("utf8"))));
    });
  }

  /** `text` (a vendor's words) fit for the log: this source's secrets and every credential shape redacted, cut short. */
  scrub(text: string): string {
    return scrubVendorText(text, this.options.secrets?.() ?? []);
  }

  /**
   * A transport failure as a coded error. Its message names the source, the endpoint template and the error's
   * code (ECONNREFUSED, UND_ERR_SOCKET), never undici's or Node's message: those name the host, the address or the
   * URL, which are the operator's, not the client's.
   */
  private transportError(error: unknown, call: string, window: CallWindow): GatewayError {
    if (error instanceof GatewayError) return error;
    const source = this.options.source;
    const what = `${source}: ${call}`;
    // The window knows why it closed; undici's own timeouts (connect, headers, body) are timeouts too.
    if (window.end === "deadline") {
      return new GatewayError(
        "UPSTREAM_TIMEOUT",
        `${what} did not answer before the operation's deadline (${window.timeoutMs} ms were left)`,
        {
          source,
          cause: error,
        },
      );
    }
    if (window.end === "cancelled") {
      return new GatewayError("UPSTREAM_UNAVAILABLE", `${what} was abandoned: the operation was cancelled`, { source, cause: error });
    }
    const name = (error as Error | undefined)?.name;
    if (
      window.end === "timeout" ||
      name === "TimeoutError" ||
      error instanceof undiciErrors.ConnectTimeoutError ||
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return new GatewayError("UPSTREAM_TIMEOUT", `${what} did not answer within ${window.timeoutMs} ms`, { source, cause: error });
    }
    const code =
      [(error as NodeJS.ErrnoException | undefined)?.code, name].find((c) => typeof c === "string" && ERROR_CODE.test(c)) ??
      "a transport error";
    return new GatewayError("UPSTREAM_UNAVAILABLE", `${what} failed: ${code}`, { source, cause: error });
  }

  async close(): Promise<void> {
    if (this.ownsGuard) this.guard.close();
    await this.agent.destroy();
  }
}
