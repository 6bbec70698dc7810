import { noteFreshUntil, outsideOperation } from "../federation/operation-scope.js";
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

export interface SourceCacheCounts {
  hits: number;
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
  readonly counts: SourceCacheCounts = { hits: 0, staleHits: 0, misses: 0, joined: 0, refreshes: 0, refreshFailures: 0 };

  constructor(
    private readonly entries: TaggedLru<unknown>,
    private readonly invalidation: Invalidation,
    private readonly onRefreshFailure: (error: unknown, namespace: string) => void = () => {},
  ) {
    invalidation.onInvalidate((tags) => entries.invalidate(tags));
  }

  async batch<T>(read: KeyedRead<T>, ids: readonly string[]): Promise<BatchResult<T>> {
    const now = Date.now();
    // Whatever this returns is fresh until then (a stale entry, earlier): the response built from it is no fresher.
    if (read.policy.ttlMs === 0) {
      noteFreshUntil(now);
      return read.fetch([...ids]);
    }
    const fetchedFreshUntil = now + read.policy.ttlMs;
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
        if (now < entry.freshUntil) this.counts.hits++;
        else {
          this.counts.staleHits++;
          if (!this.inFlight.has(key)) stale.push(id);
        }
        return;
      }
      const running = this.inFlight.get(key);
      if (running && running.epoch === this.invalidation.epoch) {
        this.counts.joined++;
        noteFreshUntil(fetchedFreshUntil);
        joined.push(running.promise.then((value) => void (out[i] = value as T | Error)));
        return;
      }
      this.counts.misses++;
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

  /** Calls the vendor for `ids`, registered as in flight so concurrent reads join it, and stores what came back. */
  private fetchAndStore<T>(read: KeyedRead<T>, ids: string[]): Promise<Map<string, T | Error>> {
    const epoch = this.invalidation.epoch;
    const call = read.fetch(ids).then(
      (results) => results,
      (error: unknown) => ids.map(() => asError(error)),
    );
    const byId = call.then((results) => new Map(ids.map((id, j) => [id, j < results.length ? results[j]! : new Error(`${read.namespace} returned too few results`)])));
    ids.forEach((id) => {
      const key = `${read.namespace}\u0000${id}`;
      this.inFlight.set(key, { promise: byId.then((m) => m.get(id)), epoch });
    });
    return byId.then((results) => {
      const now = Date.now();
      for (const [id, value] of results) {
        const key = `${read.namespace}\u0000${id}`;
        if (this.inFlight.get(key)?.epoch === epoch) this.inFlight.delete(key);
        if (value instanceof Error) continue;
        const tags = read.tagsOf(id, value);
        // Something this answer depends on changed while the call was out: the answer may predate the change.
        if (this.invalidation.changedSince(tags, epoch)) continue;
        this.entries.set(key, { value, tags, freshUntil: now + read.policy.ttlMs, staleUntil: now + read.policy.ttlMs + read.policy.staleMs, size: 1 });
      }
      return results;
    });
  }

  /** Refreshes stale keys without the operation's deadline: nobody waits for it, and the next reader gains. */
  private refreshInBackground<T>(read: KeyedRead<T>, ids: string[]): void {
    this.counts.refreshes++;
    outsideOperation(() => {
      this.fetchAndStore(read, ids)
        .then((results) => {
          const failed = [...results.values()].find((v) => v instanceof Error);
          if (failed) {
            this.counts.refreshFailures++;
            this.onRefreshFailure(failed, read.namespace);
          }
        })
        .catch((error: unknown) => this.onRefreshFailure(error, read.namespace));
    });
  }
}
