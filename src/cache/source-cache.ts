import { currentOperation, noteFreshUntil, outsideOperation } from "../domain/operation-context.js";
import { asError, type BatchResult } from "../sources/source.js";
import type { Invalidation } from "./invalidation.js";
import type { TaggedLru } from "./tagged-lru.js";

/** How long one source's answers are reused. */
export interface CachePolicy {
  ttlMs: number;
  staleMs: number;
}

/** One kind of per-key read at one source (a source's licenses by account, its hardware by serial...). */
export interface KeyedRead<T> {
  /** Names the source instance and read: "<source id>#<credential fingerprint>:<read>". */
  namespace: string;
  policy: CachePolicy;
  /** The vendor call for the keys not cached, in one batch. */
  fetch: (ids: string[]) => Promise<BatchResult<T>>;
  /** What the answer for `id` depends on. */
  tagsOf: (id: string, value: T) => string[];
}

interface InFlight {
  promise: Promise<unknown>;
  /** The invalidation epoch when it started; only a read at the same epoch may join it. */
  epoch: number;
}

/**
 * Answers shared with other replicas (Redis), consulted for what this replica's memory lacks; see
 * src/redis/shared-entries.ts.
 */
export interface SharedAnswers {
  getMany(keys: readonly string[]): Promise<Map<string, { value: unknown; tags: string[]; freshUntil: number; staleUntil: number }>>;
  set(key: string, entry: { value: unknown; tags: string[]; freshUntil: number; staleUntil: number }, readFrom: string): Promise<void>;
  /** Where in the shared invalidations a read starting now stands. */
  position(): string;
}

export interface SourceCacheCounts {
  hits: number;
  /** Found in the replicas' shared cache (Redis) rather than this one's memory. */
  sharedHits: number;
  staleHits: number;
  misses: number;
  joined: number;
  refreshes: number;
  refreshFailures: number;
}

/**
 * The cross-request cache of vendor answers, shared by every source: per key, a fresh answer is served as is,
 * a stale one is served while one background call refreshes it, concurrent requests for the same key share one
 * call, and only what was missing goes to the vendor, still in one batch. Errors are never cached.
 */
export class SourceCache {
  private readonly inFlight = new Map<string, InFlight>();
  /** What happened to each key read, per read namespace ("<source id>#<fingerprint>:<read>"), for the metrics. */
  readonly countsByNamespace = new Map<string, SourceCacheCounts>();

  /** The same counts over every namespace. */
  get counts(): SourceCacheCounts {
    const total = emptyCounts();
    for (const tally of this.countsByNamespace.values())
      for (const k of Object.keys(total) as Array<keyof SourceCacheCounts>) total[k] += tally[k];
    return total;
  }

  constructor(
    private readonly entries: TaggedLru<unknown>,
    private readonly invalidation: Invalidation,
    private readonly onRefreshFailure: (error: unknown, namespace: string) => void = () => {},
    private readonly shared?: SharedAnswers,
  ) {
    invalidation.onInvalidate((tags) => entries.invalidate(tags));
    invalidation.onClear(() => entries.clear());
  }

  async batch<T>(read: KeyedRead<T>, ids: readonly string[]): Promise<BatchResult<T>> {
    const now = Date.now();
    // Whatever this returns is fresh until then (a stale entry, earlier): the response built from it is no fresher.
    if (read.policy.ttlMs === 0 || currentOperation()?.cacheBypass) {
      noteFreshUntil(now);
      return read.fetch([...ids]);
    }
    const fetchedFreshUntil = now + read.policy.ttlMs;
    const tally = this.tallyOf(read.namespace);
    const out: Array<T | Error> = new Array(ids.length);
    const missing: number[] = [];
    const stale: string[] = [];
    const joined: Array<Promise<void>> = [];
    ids.forEach((id, i) => {
      const key = `${read.namespace}\u0000${id}`;
      const entry = this.entries.get(key, now);
      if (entry) {
        out[i] = entry.value as T;
        noteFreshUntil(entry.freshUntil);
        if (now < entry.freshUntil) {
          tally.hits++;
        } else {
          tally.staleHits++;
          if (!this.inFlight.has(key)) stale.push(id);
        }
        return;
      }
      const running = this.inFlight.get(key);
      if (running && running.epoch === this.invalidation.epoch) {
        tally.joined++;
        noteFreshUntil(fetchedFreshUntil);
        joined.push(running.promise.then((value) => void (out[i] = value as T | Error)));
        return;
      }
      tally.misses++;
      noteFreshUntil(fetchedFreshUntil);
      missing.push(i);
    });
    if (stale.length > 0) this.refreshInBackground(read, stale);
    if (missing.length > 0) {
      const fetched = await this.fetchAndStore(read, [...new Set(missing.map((i) => ids[i]!))]);
      for (const i of missing) out[i] = fetched.get(ids[i]!)!;
    }
    await Promise.all(joined);
    return out;
  }

  private tallyOf(namespace: string): SourceCacheCounts {
    let tally = this.countsByNamespace.get(namespace);
    if (!tally) this.countsByNamespace.set(namespace, (tally = emptyCounts()));
    return tally;
  }

  /**
   * Gets `ids` from the replicas' shared cache or else the vendor (the rest in one batch), registered as in flight
   * so concurrent reads join it, and keeps what came back.
   */
  private fetchAndStore<T>(read: KeyedRead<T>, ids: string[]): Promise<Map<string, T | Error>> {
    const epoch = this.invalidation.epoch;
    const readFrom = this.shared?.position() ?? "0-0";
    const byId = this.fromShared(read, ids).then(async (shared) => {
      const rest = ids.filter((id) => !shared.has(id));
      const fetched =
        rest.length === 0
          ? []
          : await read.fetch(rest).then(
              (results) => results,
              (error: unknown) => rest.map(() => asError(error)),
            );
      const results = new Map<string, T | Error>();
      for (const id of ids) {
        const found = shared.get(id);
        if (!found) continue;
        results.set(id, found.value as T);
        noteFreshUntil(found.freshUntil);
        // Kept here too, as found: its freshness is the fetching replica's, not restarted.
        if (!this.invalidation.changedSince(found.tags, epoch)) this.entries.set(this.keyOf(read, id), { ...found, size: 1 });
      }
      rest.forEach((id, j) => {
        const value = j < fetched.length ? fetched[j]! : new Error(`${read.namespace} returned too few results`);
        results.set(id, value);
        if (!(value instanceof Error)) this.keep(read, id, value, epoch, readFrom);
      });
      return results;
    });
    ids.forEach((id) => {
      const key = `${read.namespace}\u0000${id}`;
      this.inFlight.set(key, { promise: byId.then((m) => m.get(id)), epoch });
    });
    return byId.then((results) => {
      for (const id of results.keys()) {
        const key = this.keyOf(read, id);
        if (this.inFlight.get(key)?.epoch === epoch) this.inFlight.delete(key);
      }
      return results;
    });
  }

  private keyOf(read: { namespace: string }, id: string): string {
    return `${read.namespace}\u0000${id}`;
  }

  /** Keeps a vendor answer here and, with replicas, in the shared cache, unless what it depends on changed meanwhile. */
  private keep<T>(read: KeyedRead<T>, id: string, value: T, epoch: number, readFrom: string): void {
    const now = Date.now();
    const tags = read.tagsOf(id, value);
    // Something this answer depends on changed while the call was out: the answer may predate the change.
    if (this.invalidation.changedSince(tags, epoch)) return;
    const entry = { value, tags, freshUntil: now + read.policy.ttlMs, staleUntil: now + read.policy.ttlMs + read.policy.staleMs };
    this.entries.set(this.keyOf(read, id), { ...entry, size: 1 });
    // Not awaited: nobody waits for sharing. Redis refuses it if a replica changed one of its tags since the read began.
    this.shared?.set(this.keyOf(read, id), entry, readFrom).catch(() => {});
  }

  /** What other replicas already fetched of `ids`, still fresh (nothing without replicas, or when Redis fails). */
  private async fromShared<T>(
    read: KeyedRead<T>,
    ids: string[],
  ): Promise<Map<string, { value: unknown; tags: string[]; freshUntil: number; staleUntil: number }>> {
    const byId = new Map<string, { value: unknown; tags: string[]; freshUntil: number; staleUntil: number }>();
    if (!this.shared) return byId;
    const keys = ids.map((id) => this.keyOf(read, id));
    let found;
    try {
      found = await this.shared.getMany(keys);
    } catch {
      return byId;
    }
    const now = Date.now();
    ids.forEach((id, i) => {
      const entry = found.get(keys[i]!);
      // A stale shared answer is refreshed by asking the vendor, as a stale local one is when nothing fresher exists.
      if (!entry || now >= entry.freshUntil) return;
      byId.set(id, entry);
      this.tallyOf(read.namespace).sharedHits++;
    });
    return byId;
  }

  /** Refreshes stale keys without the operation's deadline: nobody waits for it, and the next reader gains. */
  private refreshInBackground<T>(read: KeyedRead<T>, ids: string[]): void {
    this.tallyOf(read.namespace).refreshes++;
    outsideOperation(() => {
      this.fetchAndStore(read, ids)
        .then((results) => {
          const failed = [...results.values()].find((v) => v instanceof Error);
          if (failed) {
            this.tallyOf(read.namespace).refreshFailures++;
            this.onRefreshFailure(failed, read.namespace);
          }
        })
        .catch((error: unknown) => this.onRefreshFailure(error, read.namespace));
    });
  }
}

function emptyCounts(): SourceCacheCounts {
  return { hits: 0, sharedHits: 0, staleHits: 0, misses: 0, joined: 0, refreshes: 0, refreshFailures: 0 };
}
