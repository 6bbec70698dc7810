/**
 * Which cached data is out of date: mutations name what they changed as tags ("sofar:lic:<id>", "customer:<id>",
 * see src/domain/data-tags.ts), and every cache drops the entries carrying one of them.
 *
 * A read that was already under way when something it read changed must not store what it got: it may have got
 * the old value. So each invalidation gets a sequence number, a read notes the number when it starts, and it
 * stores only if none of its tags was invalidated since (`changedSince`). A read may join another one in flight
 * only if nothing at all was invalidated since that one started (`epoch`): it cannot know its tags beforehand.
 */
export type InvalidationOrigin = "local" | "remote";

export class Invalidation {
  private seq = 0;
  /** Tag → [sequence number, time] of its last invalidation. Kept long enough for any read in flight to see it. */
  private readonly last = new Map<string, [number, number]>();
  private readonly listeners: Array<(tags: readonly string[], origin: InvalidationOrigin) => void> = [];
  private readonly clearListeners: Array<() => void> = [];
  /** The sequence number of the last "everything changed" (0: never). */
  private everythingAt = 0;
  private prunedAt = Date.now();

  /** @param keepMs how long an invalidation is remembered: longer than any read can take (the longest deadline). */
  constructor(private readonly keepMs = 10 * 60_000) {}

  /** The current sequence number: note it before a read starts. */
  get epoch(): number {
    return this.seq;
  }

  /** `origin`: "remote" for a change another replica made and published (see src/redis/shared-invalidation.ts). */
  invalidate(tags: Iterable<string>, origin: InvalidationOrigin = "local"): void {
    const list = [...tags];
    if (list.length === 0) return;
    const now = Date.now();
    const seq = ++this.seq;
    for (const tag of list) {
      this.last.delete(tag); // re-inserted last, so the map stays ordered by time for pruning
      this.last.set(tag, [seq, now]);
    }
    for (const listener of this.listeners) listener(list, origin);
    if (now - this.prunedAt > this.keepMs / 10) this.prune(now);
  }

  /**
   * Everything may have changed (a replica that lost track of the others' changes): every cache empties and no
   * read under way may store what it got.
   */
  invalidateEverything(): void {
    this.everythingAt = ++this.seq;
    for (const listener of this.clearListeners) listener();
  }

  onClear(listener: () => void): void {
    this.clearListeners.push(listener);
  }

  /** Whether any of `tags` was invalidated after the read that started at `since` began. */
  changedSince(tags: Iterable<string>, since: number): boolean {
    if (this.seq === since) return false;
    if (this.everythingAt > since) return true;
    for (const tag of tags) if ((this.last.get(tag)?.[0] ?? 0) > since) return true;
    return false;
  }

  onInvalidate(listener: (tags: readonly string[], origin: InvalidationOrigin) => void): void {
    this.listeners.push(listener);
  }

  private prune(now: number): void {
    this.prunedAt = now;
    for (const [tag, [, at]] of this.last) {
      if (now - at <= this.keepMs) break;
      this.last.delete(tag);
    }
  }
}
