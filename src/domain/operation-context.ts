import { AsyncLocalStorage } from "node:async_hooks";
import type { Context } from "@opentelemetry/api";

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
  /**
   * Set when this replica could not learn what other replicas changed (Redis unreachable): the operation neither
   * reads nor fills any cache, so it cannot serve what another replica already changed.
   */
  cacheBypass?: boolean;
}

/** What the gateway learns about one HTTP request while it runs, for its log lines and its access-log line. */
export interface RequestRecord {
  readonly id: string;
  /** The GraphQL operation's name (null for an anonymous one) and type, once it is resolved. */
  operationName?: string | null;
  operationType?: string;
  /** The codes of the GraphQL errors in the response, each once. */
  errorCodes?: string[];
  /** The authenticated principal (`apikey:<id>`, `jwt:<sub>`, `auth-off`); never a credential. */
  principalId?: string;
}

/**
 * What is carried along one HTTP request: the request's record for its log lines (its id: src/server/request-id.ts) and,
 * while its GraphQL operation runs, the operation's scope. One AsyncLocalStorage for both, on purpose: each one
 * adds its cost to every promise the process makes (measured by `npm run bench`: ~8% of busy CPU for one).
 */
interface Ambient {
  request?: RequestRecord;
  operation?: OperationScope;
  /**
   * The trace context of the operation's span, when tracing is on: the parent of the spans of its upstream calls.
   * Beside the scope rather than in it: the operations of one batched request share a scope (one deadline) but
   * each has its own span.
   */
  trace?: Context;
}

const storage = new AsyncLocalStorage<Ambient>();

/**
 * Runs the handling of one request with its record reachable from anywhere below it (`currentRequest`), so a log
 * line written by an adapter or a plugin carries the request id without it being passed down.
 */
export function runInRequest<T>(request: RequestRecord, fn: () => T): T {
  return storage.run({ request }, fn);
}

/** The request being handled (also in work it started, such as a background cache refresh), or undefined outside one. */
export function currentRequest(): RequestRecord | undefined {
  return storage.getStore()?.request;
}

export function runInOperation<T>(scope: OperationScope, fn: () => Promise<T>): Promise<T> {
  return storage.run({ request: storage.getStore()?.request, operation: scope }, fn);
}

/**
 * Makes `trace` the parent of the upstream spans of the rest of the operation being processed (called as Apollo
 * starts it: src/observability/operation-plugin.ts). `enterWith`, since Apollo gives plugins no callback to wrap
 * an operation in: it changes the context of the current execution and what it goes on to start, which is this
 * operation's processing, and, within the `runInOperation` of its HTTP request, nothing outside it. The operations
 * of a batch are started one after the other, each entering its own.
 */
export function enterOperationTrace(trace: Context): void {
  const ambient = storage.getStore();
  if (ambient?.operation) storage.enterWith({ ...ambient, trace });
}

/** The trace context upstream calls of the current operation are children of, when tracing is on. */
export function currentTrace(): Context | undefined {
  return storage.getStore()?.trace;
}

/** The current operation, or undefined outside one (startup, the demo seeding, adapter tests). */
export function currentOperation(): OperationScope | undefined {
  return storage.getStore()?.operation;
}

/**
 * A scope ending `deadlineMs` from now, also ended early when `clientGone` aborts; `end()` when the operation is
 * answered, to release its timer. One controller and one plain timer per operation, rather than
 * `AbortSignal.any([AbortSignal.timeout(), ...])`: that pair costs a timer nobody clears and signals the garbage
 * collector must trace, for every request (`npm run bench`'s profile). At the deadline the signal aborts with a
 * TimeoutError, as `AbortSignal.timeout` would: calls tell a deadline from a client gone by that name.
 */
export function operationScope(deadlineMs: number, clientGone?: AbortSignal): OperationScope & { end(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("the operation's deadline passed", "TimeoutError")), deadlineMs);
  timer.unref();
  const onGone = (): void => controller.abort(clientGone?.reason);
  if (clientGone?.aborted) onGone();
  else clientGone?.addEventListener("abort", onGone, { once: true });
  return {
    deadline: Date.now() + deadlineMs,
    signal: controller.signal,
    cacheFreshUntil: Infinity,
    end() {
      clearTimeout(timer);
      clientGone?.removeEventListener("abort", onGone);
    },
  };
}

/** Notes that the current operation used a vendor answer fresh until `freshUntil` (see `cacheFreshUntil`). */
export function noteFreshUntil(freshUntil: number): void {
  const scope = storage.getStore()?.operation;
  if (scope && freshUntil < scope.cacheFreshUntil) scope.cacheFreshUntil = freshUntil;
}

/**
 * Runs `fn` outside any operation: work nobody waits for (a background refresh) is not bound by its deadline. It
 * stays in the request's context, so what it logs still names the request that started it.
 */
export function outsideOperation<T>(fn: () => T): T {
  const request = storage.getStore()?.request;
  return request === undefined ? storage.exit(fn) : storage.run({ request }, fn);
}
