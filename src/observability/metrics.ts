import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { OperationNames } from "./operation-names.js";

/** How an operation ended. */
/** What the sync gauges read (src/sync/scheduler.ts, SourceSyncStats). */
export interface SyncStatsView {
  readonly source: string;
  readonly runs: Readonly<Record<"ok" | "failed" | "stopped", number>>;
  readonly lastSuccessAt: Date | null;
  readonly events: Readonly<Partial<Record<string, number>>>;
}

/** What the admission gauge and counter read (src/server/admission.ts). */
export interface AdmissionView {
  readonly load: { running: number; queued: number };
  /** Operations that may execute at once now (server.admission; the adaptive limit moves it). */
  readonly limit: number;
  readonly refusals: Readonly<Record<"queue full" | "waited too long", number>>;
}

export type OperationOutcome = "ok" | "partial" | "error" | "refused";

/** What a source cache counts per read ("<source>#<fingerprint>:<read>"), see src/cache/source-cache.ts. */
export interface SourceCacheCountsView {
  countsByNamespace: ReadonlyMap<
    string,
    { hits: number; sharedHits?: number; staleHits: number; misses: number; joined: number; refreshes: number; refreshFailures: number }
  >;
}

/** What the response cache counts, see src/cache/response-cache.ts. */
export interface ResponseCacheCountsView {
  counts: { hits: number; misses: number; stored: number; notStored: number };
}

/** A source as the circuit gauge sees it. */
export interface SourceStateView {
  id: string;
  health(): { circuit: "closed" | "half-open" | "open" };
}

const PREFIX = "license_gateway_";
/** Operations take 1 ms (a cached answer) to the 15 s deadline. */
const OPERATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15];
/** Vendor calls: a few ms on a LAN to the 10 s default timeout. */
const UPSTREAM_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Store queries: sub-millisecond on the embedded store. */
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const CIRCUIT_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;
/** The statement kinds the store-latency label names; anything else (DDL, SET) is "other". */
const STATEMENTS = new Set(["select", "insert", "update", "delete", "with", "begin", "commit", "rollback"]);

/**
 * The Prometheus metrics of one gateway, in a registry of its own (never prom-client's global one: tests run
 * several gateways in one process, and each must show only its own). Hot-path counters are incremented where
 * things happen; the caches' and circuits' figures, which those parts already keep, are read at scrape time, so
 * they cost nothing between scrapes.
 *
 * No label ever holds a client- or vendor-supplied value except a bounded operation name (see OperationNames):
 * sources and read kinds come from the configuration and the code, endpoints are path templates, statuses are
 * numbers or the gateway's error codes.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly names: OperationNames;
  private readonly operations: Counter<"operation" | "type" | "outcome">;
  private readonly operationSeconds: Histogram<"operation" | "type" | "outcome">;
  private readonly upstreamCalls: Counter<"source" | "endpoint" | "method" | "status">;
  private readonly upstreamSeconds: Histogram<"source" | "endpoint" | "method" | "status">;
  private readonly tokenFetches: Counter<"source">;
  private readonly upstreamDrift: Counter<"source" | "field">;
  private readonly storeSeconds: Histogram<"statement">;
  private readonly trustedDocuments: Counter<"api_key" | "outcome">;
  private readonly deprecatedUsages: Counter<"coordinate" | "client">;
  private sources: () => readonly SourceStateView[] = () => [];
  private sourceCache: SourceCacheCountsView | undefined;
  private responseCache: ResponseCacheCountsView | undefined;
  private admission: AdmissionView | undefined;
  private syncStats: () => readonly SyncStatsView[] = () => [];
  private readonly webhookDeliveries: Counter<"outcome">;

  constructor(options: { maxOperationNames: number }) {
    const registers = [this.registry];
    this.names = new OperationNames(options.maxOperationNames);
    const operationLabels = ["operation", "type", "outcome"] as const;
    this.operations = new Counter({
      name: `${PREFIX}operations_total`,
      help: "GraphQL operations by name (bounded), type and outcome: ok, partial (data with errors), error (no data), refused (never executed: authentication, parsing, validation, limits). Cached responses are counted by license_gateway_response_cache_lookups_total.",
      labelNames: operationLabels,
      registers,
    });
    this.operationSeconds = new Histogram({
      name: `${PREFIX}operation_duration_seconds`,
      help: "Time from the start of GraphQL processing to the response, for operations that reached it (all but refusals before GraphQL).",
      labelNames: operationLabels,
      buckets: OPERATION_BUCKETS,
      registers,
    });
    const upstreamLabels = ["source", "endpoint", "method", "status"] as const;
    this.upstreamCalls = new Counter({
      name: `${PREFIX}upstream_requests_total`,
      help: "Requests sent to vendors (each retry counts) by source, endpoint template, method and status: the HTTP status, or the gateway's error code when no complete answer came.",
      labelNames: upstreamLabels,
      registers,
    });
    this.upstreamSeconds = new Histogram({
      name: `${PREFIX}upstream_request_duration_seconds`,
      help: "Time of one request to a vendor, connection and body included.",
      labelNames: upstreamLabels,
      buckets: UPSTREAM_BUCKETS,
      registers,
    });
    this.tokenFetches = new Counter({
      name: `${PREFIX}token_fetches_total`,
      help: "Vendor access tokens fetched (Eniris), by source.",
      labelNames: ["source"],
      registers,
    });
    this.upstreamDrift = new Counter({
      name: `${PREFIX}upstream_drift_total`,
      help: "Values of descriptive vendor fields (names, quantities, descriptions) that came with an unexpected type and were read leniently (numeric text as a number, a number as text, else null) instead of failing the answer, by source and the vendor's field name.",
      // Field names come from the adapters' decoders, never from a vendor's body: as many series as such fields.
      labelNames: ["source", "field"],
      registers,
    });
    this.storeSeconds = new Histogram({
      name: `${PREFIX}store_query_duration_seconds`,
      help: "Time of one query to the gateway's own store, by statement kind.",
      labelNames: ["statement"],
      buckets: STORE_BUCKETS,
      registers,
    });
    this.trustedDocuments = new Counter({
      name: `${PREFIX}trusted_documents_total`,
      help: "Operations of API keys with trusted documents, by key id and outcome: by-id (run from the key's list by id or hash), in-list (sent as text, in the list), outside (an unlocked key's operation not in its list: a lock would refuse it), refused.",
      // Key ids come from the store (an authenticated key), never from the request: as many series as keys with documents.
      labelNames: ["api_key", "outcome"],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: "Webhook delivery attempts by outcome: delivered (2xx), retry (failed, tried again later), dead (failed its last attempt).",
      labelNames: ["outcome"],
      registers: [this.registry],
    });
    this.deprecatedUsages = new Counter({
      name: `${PREFIX}deprecated_usage_total`,
      help: "Executed operations that use a deprecated field or argument, by schema coordinate (e.g. Customer.licenses) and client: the API key's id, or jwt / auth-off. Answers from the response cache are not counted.",
      labelNames: ["coordinate", "client"],
      registers,
    });
    this.scrapedMetrics(registers);
    collectDefaultMetrics({ register: this.registry });
  }

  operation(labels: { operation: string; type: string; outcome: OperationOutcome }, seconds?: number): void {
    this.operations.inc(labels);
    if (seconds !== undefined) this.operationSeconds.observe(labels, seconds);
  }

  upstream(labels: { source: string; endpoint: string; method: string; status: string }, seconds: number): void {
    this.upstreamCalls.inc(labels);
    this.upstreamSeconds.observe(labels, seconds);
  }

  tokenFetched(source: string): void {
    this.tokenFetches.inc({ source });
  }

  drifted(source: string, field: string, count: number): void {
    this.upstreamDrift.inc({ source, field }, count);
  }

  deprecatedUsage(coordinate: string, client: string): void {
    this.deprecatedUsages.inc({ coordinate, client });
  }

  trustedDocument(apiKeyId: string, outcome: string): void {
    this.trustedDocuments.inc({ api_key: apiKeyId, outcome });
  }

  storeQuery(sql: string, seconds: number): void {
    this.storeSeconds.observe({ statement: statementOf(sql) }, seconds);
  }

  /** The sources whose circuits the gauge shows, read at each scrape. */
  watchSources(sources: () => readonly SourceStateView[]): void {
    this.sources = sources;
  }

  /** The license index's sync, per source, read at each scrape (src/sync/scheduler.ts `stats()`). */
  watchSync(stats: () => readonly SyncStatsView[]): void {
    this.syncStats = stats;
  }

  /** One webhook delivery attempt's outcome (src/webhooks/dispatcher.ts). */
  webhookDelivery(outcome: "delivered" | "retry" | "dead"): void {
    this.webhookDeliveries.inc({ outcome });
  }

  /** The admission control whose load and refusals are shown, read at each scrape (src/server/admission.ts). */
  watchAdmission(admission: AdmissionView): void {
    this.admission = admission;
  }

  /** The caches whose counts are shown, read at each scrape; undefined for a cache that is off. */
  watchCaches(caches: { sources?: SourceCacheCountsView | undefined; responses?: ResponseCacheCountsView | undefined }): void {
    this.sourceCache = caches.sources;
    this.responseCache = caches.responses;
  }

  /** The text exposition format, and its content type. */
  async render(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }

  /** Metrics whose values other parts keep: each sets its series from them when scraped. */
  private scrapedMetrics(registers: Registry[]): void {
    const circuit: Gauge<"source"> = new Gauge({
      name: `${PREFIX}circuit_state`,
      help: "Each source's circuit breaker: 0 closed, 1 half-open (one probe call let through), 2 open (calls fail fast).",
      labelNames: ["source"],
      registers,
      collect: () => {
        circuit.reset();
        for (const source of this.sources()) circuit.set({ source: source.id }, CIRCUIT_VALUE[source.health().circuit]);
      },
    });
    const sourceReads: Counter<"source" | "read" | "outcome"> = new Counter({
      name: `${PREFIX}source_cache_reads_total`,
      help: "Keys read through the cache of vendor answers, by source, read kind and outcome: hit (fresh in this replica's memory), stale (served while refreshed), joined (a call already under way), miss (not in memory), shared (of the misses, found in the replicas' shared cache, so no vendor call).",
      labelNames: ["source", "read", "outcome"],
      registers,
      collect: () => {
        sourceReads.reset();
        for (const [namespace, counts] of this.sourceCache?.countsByNamespace ?? []) {
          const labels = namespaceLabels(namespace);
          sourceReads.inc({ ...labels, outcome: "hit" }, counts.hits);
          sourceReads.inc({ ...labels, outcome: "stale" }, counts.staleHits);
          sourceReads.inc({ ...labels, outcome: "joined" }, counts.joined);
          sourceReads.inc({ ...labels, outcome: "miss" }, counts.misses);
          sourceReads.inc({ ...labels, outcome: "shared" }, counts.sharedHits);
        }
      },
    });
    const refreshes: Counter<"source" | "read" | "outcome"> = new Counter({
      name: `${PREFIX}source_cache_refreshes_total`,
      help: "Background refreshes of stale vendor answers, by source and read kind: started, and failed (the stale answer stays until it expires).",
      labelNames: ["source", "read", "outcome"],
      registers,
      collect: () => {
        refreshes.reset();
        for (const [namespace, counts] of this.sourceCache?.countsByNamespace ?? []) {
          const labels = namespaceLabels(namespace);
          refreshes.inc({ ...labels, outcome: "started" }, counts.refreshes);
          refreshes.inc({ ...labels, outcome: "failed" }, counts.refreshFailures);
        }
      },
    });
    const syncLag: Gauge<"source"> = new Gauge({
      name: `${PREFIX}sync_lag_seconds`,
      help: "Seconds since each source was last synced whole into the license index by this replica (issue 16); absent before its first success. Alert when it exceeds a few intervals.",
      labelNames: ["source"],
      registers,
      collect: () => {
        syncLag.reset();
        const now = Date.now();
        for (const s of this.syncStats()) if (s.lastSuccessAt) syncLag.set({ source: s.source }, (now - s.lastSuccessAt.getTime()) / 1000);
      },
    });
    const syncLastSuccess: Gauge<"source"> = new Gauge({
      name: `${PREFIX}sync_last_success_timestamp_seconds`,
      help: "When each source was last synced whole into the license index by this replica, Unix seconds.",
      labelNames: ["source"],
      registers,
      collect: () => {
        syncLastSuccess.reset();
        for (const s of this.syncStats()) if (s.lastSuccessAt) syncLastSuccess.set({ source: s.source }, s.lastSuccessAt.getTime() / 1000);
      },
    });
    const syncRuns: Counter<"source" | "outcome"> = new Counter({
      name: `${PREFIX}sync_runs_total`,
      help: "Sync runs of each source by this replica: ok (every account read), failed (a read failed: no event for it), stopped (lease lost or closing).",
      labelNames: ["source", "outcome"],
      registers,
      collect: () => {
        syncRuns.reset();
        for (const s of this.syncStats()) for (const [outcome, n] of Object.entries(s.runs)) syncRuns.inc({ source: s.source, outcome }, n);
      },
    });
    const syncEvents: Counter<"source" | "type"> = new Counter({
      name: `${PREFIX}license_events_total`,
      help: "License events the sync of each source committed on this replica, by type (APPEARED, BLOCKED, EXPIRING, ...).",
      labelNames: ["source", "type"],
      registers,
      collect: () => {
        syncEvents.reset();
        for (const s of this.syncStats())
          for (const [type, n] of Object.entries(s.events)) syncEvents.inc({ source: s.source, type }, n ?? 0);
      },
    });
    const admitted: Gauge<"state"> = new Gauge({
      name: `${PREFIX}admission_operations`,
      help: "Operations admitted and executing (running) and waiting for their turn (queued), per server.admission.",
      labelNames: ["state"],
      registers,
      collect: () => {
        admitted.reset();
        const load = this.admission?.load;
        if (!load) return;
        admitted.set({ state: "running" }, load.running);
        admitted.set({ state: "queued" }, load.queued);
      },
    });
    const admissionLimit = new Gauge({
      name: `${PREFIX}admission_limit`,
      help: "Operations that may execute at once now: server.admission.maxOperations, or less while the adaptive limit holds it down (a saturated event loop).",
      registers,
      collect: () => {
        if (this.admission) admissionLimit.set(this.admission.limit);
      },
    });
    const admissionRefusals: Counter<"reason"> = new Counter({
      name: `${PREFIX}admission_refusals_total`,
      help: "Operations refused with SERVER_BUSY by admission control: queue_full, or waited_too_long (past server.admission.maxWaitMs).",
      labelNames: ["reason"],
      registers,
      collect: () => {
        admissionRefusals.reset();
        const refusals = this.admission?.refusals;
        if (!refusals) return;
        admissionRefusals.inc({ reason: "queue_full" }, refusals["queue full"]);
        admissionRefusals.inc({ reason: "waited_too_long" }, refusals["waited too long"]);
      },
    });
    const lookups: Counter<"outcome"> = new Counter({
      name: `${PREFIX}response_cache_lookups_total`,
      help: "Requests the whole-response cache was asked about: hit (answered from it), miss.",
      labelNames: ["outcome"],
      registers,
      collect: () => {
        lookups.reset();
        const counts = this.responseCache?.counts;
        if (!counts) return;
        lookups.inc({ outcome: "hit" }, counts.hits);
        lookups.inc({ outcome: "miss" }, counts.misses);
      },
    });
    const stores: Counter<"outcome"> = new Counter({
      name: `${PREFIX}response_cache_stores_total`,
      help: "Responses offered to the whole-response cache after a miss: stored, or not_stored (a mutation, an error, a live field, a stale answer).",
      labelNames: ["outcome"],
      registers,
      collect: () => {
        stores.reset();
        const counts = this.responseCache?.counts;
        if (!counts) return;
        stores.inc({ outcome: "stored" }, counts.stored);
        stores.inc({ outcome: "not_stored" }, counts.notStored);
      },
    });
  }
}

/** "sofar#<fingerprint>:accounts" → source "sofar", read "accounts"; the fingerprint (of credentials) never shows. */
function namespaceLabels(namespace: string): { source: string; read: string } {
  const hash = namespace.indexOf("#");
  const colon = namespace.lastIndexOf(":");
  return { source: hash < 0 ? namespace : namespace.slice(0, hash), read: colon < 0 ? "unknown" : namespace.slice(colon + 1) };
}

/** The first keyword of a statement, lowercased, if it is one of the known kinds. */
function statementOf(sql: string): string {
  const keyword = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toLowerCase();
  return keyword !== undefined && STATEMENTS.has(keyword) ? keyword : "other";
}
