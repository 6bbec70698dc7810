/**
 * Where the store reports what a write changed, as cache tags (src/domain/data-tags.ts), once it is committed: a
 * write inside a transaction is reported when the transaction commits, and not at all if it rolls back.
 */
export type ChangeSink = (tags: readonly string[]) => void;

export const NO_CHANGE_SINK: ChangeSink = () => {};

/** Fans committed changes out to listeners (the caches' invalidation), so the store knows nothing of them. */
export class StoreChanges {
  private readonly listeners: ChangeSink[] = [];

  readonly emit: ChangeSink = (tags) => {
    if (tags.length === 0) return;
    for (const listener of this.listeners) listener(tags);
  };

  listen(listener: ChangeSink): void {
    this.listeners.push(listener);
  }
}
