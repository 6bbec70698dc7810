import type { UpstreamConfig } from "../config/source-options.js";
import type { UpstreamTelemetry } from "../observability/upstream-telemetry.js";
import { HealthTracker } from "./health.js";
import { HttpClient, type HttpClientOptions } from "./http.js";
import { resilienceOf } from "./resilience/policy.js";
import { SourceGuard } from "./resilience/source-guard.js";

/** What a host of a vendor may need other than the source's config says (Eniris' auth host needs less). */
export type HostOverrides = Partial<Pick<HttpClientOptions, "connections" | "pipelining" | "maxResponseBytes">>;

/**
 * A vendor source's way out, set up from its config: one resilience guard (retries, circuit breaker, concurrency
 * limit) for the whole source, its health tracked through that guard, and an HttpClient per vendor host that
 * calls through it. One guard however many hosts: a vendor whose auth host is down is unusable, so that counts.
 */
export class VendorTransport {
  private readonly guard: SourceGuard;
  /** Wraps each whole call (send, status, parsing): a 200 whose body cannot be read is a failure too. */
  readonly health: HealthTracker;
  private readonly clients: HttpClient[] = [];
  /**
   * Only the settings a client needs, never the whole config: that holds the credentials, and a source is logged or
   * inspected whole now and then. ES private fields, so even these never show.
   */
  readonly #settings: Pick<HttpClientOptions, "source" | "timeoutMs" | "connections" | "pipelining" | "maxResponseBytes">;
  readonly #secrets: () => Iterable<string | undefined>;
  readonly #telemetry: UpstreamTelemetry | undefined;

  /**
   * `secrets`: the source's credentials (and any token it holds now), read each time a vendor's text is logged and
   * redacted from it, should the vendor echo the request. `telemetry`: the gateway's (SourceContext), none outside one.
   */
  constructor(source: string, config: UpstreamConfig, secrets: () => Iterable<string | undefined>, telemetry?: UpstreamTelemetry) {
    this.guard = new SourceGuard(source, resilienceOf(config));
    this.health = new HealthTracker(this.guard);
    const { timeoutMs, connections, pipelining, maxResponseBytes } = config;
    this.#settings = { source, timeoutMs, connections, pipelining, maxResponseBytes };
    this.#secrets = secrets;
    this.#telemetry = telemetry;
  }

  /** A client for one host of the vendor, with the source's upstream settings unless `overrides` says otherwise. */
  client(baseUrl: string, overrides: HostOverrides = {}): HttpClient {
    const client = new HttpClient({
      ...this.#settings,
      baseUrl,
      ...overrides,
      guard: this.guard,
      secrets: this.#secrets,
      telemetry: this.#telemetry,
    });
    this.clients.push(client);
    return client;
  }

  /** Closes every client, then the guard they share (its timers). */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
    this.guard.close();
  }
}
