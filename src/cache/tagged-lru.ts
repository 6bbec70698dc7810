/** One cached value with the tags that invalidate it and how long it may be served. */
export interface CacheEntry<V> {
  value: V;
  tags: readonly string[];
  /** Epoch ms until which it is served as is. */
  freshUntil: number;
  /** Epoch ms until which it may still be served while a refresh runs (stale-while-revalidate); >= freshUntil. */
  staleUntil: number;
  /** What it costs against `maxBytes` (1 when the cache counts entries). */
  size: number;
}

export interface TaggedLruOptions {
  /** Most entries kept. */
  maxEntries?: number;
  /** Most total `size` kept. */
  maxBytes?: number;
}

export interface CacheCounts {
  entries: number;
  size: number;
  evictions: number;
  invalidations: number;
}

/**
 * A bounded in-memory cache, least recently used first out, with an index from tag to keys so that an
 * invalidation drops exactly the entries that carry one of its tags. Expired entries are dropped when met.
 */
export class TaggedLru<V> {
  private readonly entries = new Map<string, CacheEntry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private totalSize = 0;
  private evictions = 0;
  private invalidations = 0;

  constructor(private readonly options: TaggedLruOptions) {}

  /** The entry while it may be served (fresh or stale), made the most recently used. */
  get(key: string, now = Date.now()): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.staleUntil) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: CacheEntry<V>): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    if (this.options.maxBytes !== undefined && entry.size > this.options.maxBytes) return;
    this.entries.set(key, entry);
    this.totalSize += entry.size;
    for (const tag of entry.tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    this.evictOverflow();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry) this.remove(key, entry);
  }

  /** Drops every entry carrying one of `tags`. */
  invalidate(tags: Iterable<string>): void {
    for (const tag of tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      for (const key of [...keys]) {
        this.delete(key);
        this.invalidations++;
      }
    }
  }

  counts(): CacheCounts {
    return { entries: this.entries.size, size: this.totalSize, evictions: this.evictions, invalidations: this.invalidations };
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.totalSize = 0;
  }

  private evictOverflow(): void {
    const { maxEntries = Infinity, maxBytes = Infinity } = this.options;
    while (this.entries.size > maxEntries || this.totalSize > maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) return;
      this.delete(oldest.value);
      this.evictions++;
    }
  }

  private remove(key: string, entry: CacheEntry<V>): void {
    this.entries.delete(key);
    this.totalSize -= entry.size;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (!keys) continue;
      keys.delete(key);
      if (keys.size === 0) this.byTag.delete(tag);
    }
  }
}
