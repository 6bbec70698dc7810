import type { Invalidation } from "./invalidation.js";

/**
 * What one operation read, for the response cache: the tags of everything it read, the shortest time any of
 * it may be reused, and whether something in it must not be reused at all (live health figures, an error).
 */
export class ReadTracker {
  readonly tags = new Set<string>();
  /** The invalidation epoch when the operation started: a change after it means the response may be stale. */
  readonly epoch: number;
  private ttl: number;
  private notCacheable: string | null = null;

  constructor(
    invalidation: Invalidation,
    /** The longest a response may be reused (the response cache's ttl). */
    maxTtlMs: number,
    /** How long a source's answers are reused; a response that read it is reused no longer. */
    private readonly ttlOfSource: (sourceId: string) => number,
  ) {
    this.epoch = invalidation.epoch;
    this.ttl = maxTtlMs;
  }

  /** Records a read of data with these tags, from `sourceId` when it came from a vendor. */
  read(tags: Iterable<string>, sourceId?: string): void {
    for (const t of tags) this.tags.add(t);
    if (sourceId !== undefined) this.ttl = Math.min(this.ttl, this.ttlOfSource(sourceId));
  }

  /** The response must not be reused; the first reason is kept for the Cache-Status header. */
  uncacheable(reason: string): void {
    this.notCacheable ??= reason;
  }

  get reasonNotCacheable(): string | null {
    return this.ttl <= 0 ? (this.notCacheable ?? "ttl") : this.notCacheable;
  }

  get ttlMs(): number {
    return this.ttl;
  }
}
