/**
 * At most `max` calls in flight to one source; the rest wait in line (first come, first served) until a slot
 * frees or their own signal aborts (the call's timeout or the operation's deadline). So one slow vendor holds at
 * most `max` sockets and callers behind it give up in time instead of piling up without bound.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** A release function if a slot is free now, else undefined (nothing waits in line). */
  tryAcquire(): (() => void) | undefined {
    if (this.active >= this.max) return undefined;
    this.active += 1;
    return this.releaser();
  }

  /** Resolves with a release function once a slot is ours; rejects with `signal.reason` if it aborts first. */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const free = this.tryAcquire();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal.removeEventListener("abort", onAbort);
        // The slot is handed over by `release` without being freed, so `active` stays counted.
        resolve(this.releaser());
      };
      const onAbort = (): void => {
        const at = this.queue.indexOf(grant);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal.reason);
      };
      this.queue.push(grant);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return; // a double release must not free someone else's slot
      released = true;
      const next = this.queue.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}
