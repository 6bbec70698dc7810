import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every upstream call made on behalf of one GraphQL operation can see without it being passed down
 * through resolvers, loaders and sources: the operation's deadline. Set once per HTTP request by the server.
 */
export interface OperationScope {
  /** Epoch ms after which no upstream call of this operation may still run. */
  deadline: number;
  /** Aborts when the deadline passes (or the client goes away). */
  signal: AbortSignal;
  /**
   * Epoch ms until which every vendor answer this operation used stays fresh in the source cache (Infinity
   * before any): a response built from them may be reused no longer, and not at all once one of them was served
   * stale or came from a source that is not cached.
   */
  cacheFreshUntil: number;
}

const storage = new AsyncLocalStorage<OperationScope>();

export function runInOperation<T>(scope: OperationScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** The current operation, or undefined outside one (startup, the demo seeding, adapter tests). */
export function currentOperation(): OperationScope | undefined {
  return storage.getStore();
}

/** A scope ending `deadlineMs` from now, also ended early when `clientGone` aborts. */
export function operationScope(deadlineMs: number, clientGone?: AbortSignal): OperationScope {
  const signals = [AbortSignal.timeout(deadlineMs), ...(clientGone ? [clientGone] : [])];
  return { deadline: Date.now() + deadlineMs, signal: AbortSignal.any(signals), cacheFreshUntil: Infinity };
}

/** Notes that the current operation used a vendor answer fresh until `freshUntil` (see `cacheFreshUntil`). */
export function noteFreshUntil(freshUntil: number): void {
  const scope = storage.getStore();
  if (scope && freshUntil < scope.cacheFreshUntil) scope.cacheFreshUntil = freshUntil;
}

/** Runs `fn` outside any operation: work nobody waits for (a background refresh) is not bound by its deadline. */
export function outsideOperation<T>(fn: () => T): T {
  return storage.exit(fn);
}
