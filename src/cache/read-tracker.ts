import type { Invalidation } from "./invalidation.js";

/**
 * What one operation read, for the response cache: the tags of everything it read, and whether something in it
 * must not be reused at all (live health figures, an error). How long the vendor answers it used stay fresh is
 * noted on the operation's scope by the source cache (`cacheFreshUntil`, src/domain/operation-context.ts).
 */
export class ReadTracker {
  readonly tags = new Set<string>();
  /** The invalidation epoch when the operation started: a change after it means the response may be stale. */
  readonly epoch: number;
  private notCacheable: string | null = null;

  constructor(invalidation: Invalidation) {
    this.epoch = invalidation.epoch;
  }

  /** Records a read of data with these tags. */
  read(tags: Iterable<string>): void {
    for (const t of tags) this.tags.add(t);
  }

  /** The response must not be reused; the first reason is kept for the Cache-Status header. */
  uncacheable(reason: string): void {
    this.notCacheable ??= reason;
  }

  get reasonNotCacheable(): string | null {
    return this.notCacheable;
  }
}
