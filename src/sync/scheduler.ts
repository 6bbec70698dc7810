import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { SyncConfig } from "../config/sync.js";
import type { LicenseEvent, LicenseEventType } from "../domain/license-events.js";
import { LOCAL_SOURCE_ID } from "../domain/model.js";
import type { Logger } from "../logger.js";
import type { LicenseSource } from "../sources/source.js";
import type { Store } from "../store/store.js";
import type { SyncStateRow } from "../store/sync-state.js";
import { LinkNodes } from "./link-nodes.js";
import { syncSource, type SyncSummary } from "./sync-job.js";

const DAY_MS = 86_400_000;
/** The longest one batch's read may take, its retries and its wait for the source's free slots included. */
const MAX_BATCH_DEADLINE_MS = 120_000;

export interface SyncSchedulerOptions {
  store: Store;
  /** The gateway's sources (the registry's, cache-wrapped or not): the vendor sources that list licenses by account are synced. */
  sources: readonly LicenseSource[];
  config: SyncConfig;
  /** Called with each account's events once committed: the event bus (more listeners: `onEvents`). */
  onEvents?: (events: LicenseEvent[]) => void;
  /** Drops cached answers about what a sync found changed (the gateway's cache invalidation). */
  invalidate?: (tags: string[]) => void;
  logger?: Logger;
  /** Names this process in the leases; default hostname, pid and a random id, so two gateways never share one. */
  holder?: string;
  /** For tests: [0, 1) as Math.random. */
  random?: () => number;
  /**
   * The clock the runs judge time by (expiry thresholds, backoff, the event log's retention); default the system's.
   * For tests of what time alone changes: a license crossing an EXPIRING threshold with nothing changed at the vendor.
   */
  now?: () => Date;
}

/** What this process's runs of one source came to, for the metrics (read at each scrape). */
export interface SourceSyncStats {
  source: string;
  /** Runs that read every account (ok), that did not (failed), that stopped early (lease lost, closing). */
  runs: { ok: number; failed: number; stopped: number };
  /** When this process last synced the source whole; null before. Sync lag = now - this. */
  lastSuccessAt: Date | null;
  /** The last run's summary, ok or not; null before any. */
  last: SyncSummary | null;
  /** Events committed by this process's runs, by type. */
  events: Partial<Record<LicenseEventType, number>>;
}

/** One source's loop: its timer, the run in flight, where its mutations' events were last read up to. */
interface SourceLoop {
  source: LicenseSource;
  intervalMs: number;
  timer: NodeJS.Timeout | undefined;
  /** The run in flight (or the last one, settled): runs of one source never overlap. */
  running: Promise<SyncSummary | null>;
  /** The event log's cursor when this process's last successful run of the source started (see mutationsAfter). */
  mutationsCursor: number | undefined;
  stats: SourceSyncStats;
}

/**
 * Runs each source's sync on its interval, on one replica at a time: a run starts only while this process holds
 * the lease `sync:<source>` in the store (taken or renewed at every tick and before each batch; released on close).
 * A replica that does not hold it tries again at its next tick, so it takes over once the holder stops renewing
 * (the TTL is three intervals: one slow or late run does not hand it over).
 *
 * Every tick comes an interval ± `jitter` of it after the last. While a source fails, the holder still ticks (and so
 * keeps the lease) but runs only once the backoff since the last failure has passed: the interval doubled per
 * failure in a row, up to `maxBackoffMs`. The count and the time are the store's (sync_state), so a replica taking
 * the lease over goes on backing off where the last holder was, rather than calling a failing vendor at once.
 * Timers are unref'd: the scheduler never keeps a process alive. `close()` stops the timers, aborts the vendor calls
 * in flight (the run stops between accounts, writing nothing half-done) and releases the leases.
 *
 * The local source is not synced: its licenses are the gateway's own, and its mutations report their events at once.
 */
export class SyncScheduler {
  readonly holder: string;
  private readonly loops = new Map<string, SourceLoop>();
  private readonly closing = new AbortController();
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly listeners: Array<(events: LicenseEvent[]) => void> = [];
  /** The controllers of vendor links learnt so far, for every source: each asked of the vendor once. */
  private readonly linkNodes = new LinkNodes();
  private started = false;

  constructor(private readonly options: SyncSchedulerOptions) {
    this.holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    if (options.onEvents) this.listeners.push(options.onEvents);
    for (const source of options.sources) {
      if (source.id === LOCAL_SOURCE_ID || !source.licensesOfAccounts) continue;
      const intervalMs = options.config.sources[source.id]?.intervalMs ?? options.config.intervalMs;
      this.loops.set(source.id, {
        source,
        intervalMs,
        timer: undefined,
        running: Promise.resolve(null),
        mutationsCursor: undefined,
        stats: { source: source.id, runs: { ok: 0, failed: 0, stopped: 0 }, lastSuccessAt: null, last: null, events: {} },
      });
    }
  }

  /** Each synced source's runs in this process, for the metrics: copies, read at each scrape. */
  stats(): SourceSyncStats[] {
    return [...this.loops.values()].map(({ stats }) => ({ ...stats, runs: { ...stats.runs }, events: { ...stats.events } }));
  }

  /** The ids of the sources this scheduler syncs. */
  get sourceIds(): string[] {
    return [...this.loops.keys()];
  }

  /**
   * Adds a listener for the events each run commits (account by account, right after its write). A listener that
   * throws is logged and does not stop the run: the events are committed, the store has them for whoever missed them.
   */
  onEvents(listener: (events: LicenseEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** Starts every source's loop; the first run of each comes after a random part of its interval, so they spread out. */
  start(): void {
    if (this.started || this.closing.signal.aborted) return;
    this.started = true;
    for (const loop of this.loops.values()) this.schedule(loop, loop.intervalMs * this.options.config.jitter * this.random());
  }

  /**
   * Syncs `sourceId` now (after the run in flight, if any), backoff or not: the summary, or null when another process
   * holds the lease or the scheduler is closed. For tests and the demo; the loop's own timer is left as it was.
   */
  runNow(sourceId: string): Promise<SyncSummary | null> {
    const loop = this.loops.get(sourceId);
    if (loop === undefined) throw new Error(`no synced source "${sourceId}"; synced: ${this.sourceIds.join(", ") || "none"}`);
    return this.enqueue(loop, { force: true });
  }

  /** Stops the loops, waits for the runs in flight to stop, and gives the leases up. Idempotent. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
    await Promise.all(
      [...this.loops.values()].map(async (loop) => {
        await loop.running;
        await this.options.store.leases.release(leaseName(loop.source.id), this.holder).catch(() => {});
      }),
    );
  }

  private schedule(loop: SourceLoop, delayMs: number): void {
    if (this.closing.signal.aborted) return;
    clearTimeout(loop.timer);
    loop.timer = setTimeout(() => {
      void this.enqueue(loop, { force: false }).then(() =>
        this.schedule(loop, jittered(loop.intervalMs, this.options.config.jitter, this.random())),
      );
    }, delayMs);
    loop.timer.unref();
  }

  private enqueue(loop: SourceLoop, how: { force: boolean }): Promise<SyncSummary | null> {
    loop.running = loop.running.then(() => this.run(loop, how));
    return loop.running;
  }

  /** One run, if this process holds the lease and (unless forced) the source's backoff has passed. Never rejects. */
  private async run(loop: SourceLoop, { force }: { force: boolean }): Promise<SyncSummary | null> {
    if (this.closing.signal.aborted) return null;
    const { store, config, logger } = this.options;
    const id = loop.source.id;
    const holds = () => store.leases.tryAcquire(leaseName(id), this.holder, 3 * loop.intervalMs);
    try {
      if (!(await holds())) return null;
      if (!force && backingOff(await store.syncState.get(id), loop.intervalMs, config.maxBackoffMs, this.now().getTime())) return null;
      const cursor = await store.licenseEvents.latestCursor();
      const summary = await syncSource({
        store,
        source: loop.source,
        thresholdsDays: config.expiringThresholdsDays,
        accountsPerBatch: config.accountsPerBatch,
        // Shorter than the lease's TTL (three intervals), which is renewed before each batch: it cannot lapse mid-batch.
        batchDeadlineMs: Math.min(MAX_BATCH_DEADLINE_MS, 2 * loop.intervalMs),
        signal: this.closing.signal,
        linkNodes: this.linkNodes,
        ...(loop.mutationsCursor === undefined ? {} : { mutationsAfter: loop.mutationsCursor }),
        beforeBatch: async () => !this.closing.signal.aborted && (await holds()),
        onEvents: (events) => {
          for (const e of events) loop.stats.events[e.type] = (loop.stats.events[e.type] ?? 0) + 1;
          this.tell(events);
        },
        ...(this.options.invalidate ? { invalidate: this.options.invalidate } : {}),
        ...(logger ? { logger } : {}),
        now: this.now,
      });
      loop.stats.last = summary;
      loop.stats.runs[summary.ok ? "ok" : summary.stopped ? "stopped" : "failed"]++;
      if (summary.ok) {
        loop.stats.lastSuccessAt = new Date();
        // Every account was read after this: a mutation reported before it is in every snapshot from now on.
        loop.mutationsCursor = cursor;
      }
      // Once per run, by whichever replica syncs: the retention period of the event log.
      await store.licenseEvents.prune(new Date(this.now().getTime() - config.retentionDays * DAY_MS));
      logger?.debug({ sync: summary }, "source synced");
      if (!summary.ok && !summary.stopped)
        logger?.warn(
          { source: id, failures: summary.failures.length, code: summary.failures[0]?.code },
          "a source's sync failed; its index keeps the last good snapshot of the accounts it could not read",
        );
      return summary;
    } catch (error) {
      // The store failing (the lease, the prune): the next tick tries again.
      logger?.error({ err: error, source: id }, "a sync run failed");
      return null;
    }
  }

  private tell(events: LicenseEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        this.options.logger?.error({ err: error }, "a listener of the sync's events failed");
      }
    }
  }
}

/** `ms` ± `jitter` of it; `random` in [0, 1). */
export function jittered(ms: number, jitter: number, random: number): number {
  return Math.max(0, Math.round(ms * (1 + jitter * (2 * random - 1))));
}

/** How long a source that failed `failures` times in a row is left alone after its last failure: never less than the interval. */
export function backoffMs(intervalMs: number, failures: number, maxBackoffMs: number): number {
  if (failures <= 0) return 0;
  return Math.max(intervalMs, Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(failures, 30)));
}

/** Whether the source's last failure is too recent for another run (`state`: the store's, shared by the replicas). */
export function backingOff(state: SyncStateRow | null, intervalMs: number, maxBackoffMs: number, now: number): boolean {
  if (state === null || state.consecutiveFailures === 0 || state.lastErrorAt === null) return false;
  // The ticks come an interval apart: a run is due at the first tick at or past the backoff's end (within a jitter).
  return now < state.lastErrorAt.getTime() + backoffMs(intervalMs, state.consecutiveFailures, maxBackoffMs) - intervalMs / 2;
}

export function leaseName(sourceId: string): string {
  return `sync:${sourceId}`;
}
