import { EventEmitter, setMaxListeners } from "node:events";
import { currentOperation, type OperationScope } from "../../domain/operation-context.js";

/** Why a window closed before its call finished. */
export type WindowEnd = "timeout" | "deadline" | "cancelled";

/**
 * A window's end as undici's request options take it: an EventEmitter that emits "abort", with `aborted` and
 * `reason` (undici documents `signal: AbortSignal | EventEmitter`). A new AbortController per attempt, with the
 * EventTarget listener undici adds to its signal, cost ~9 µs of CPU per call (a keep-alive GET, 20 in flight, the
 * server in another process: ~33 µs per call with them, ~23 µs with this); an EventEmitter costs ~0.2 µs.
 */
export class AbortEvents extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;
}

/**
 * The time one upstream attempt may take: the source's timeout, cut short by the GraphQL operation's deadline
 * when there is one (`currentOperation()`), and aborted with the operation (the client went away). It covers the
 * wait for a concurrency slot and the call itself, connect and body included. `dispose()` when the attempt ends:
 * a window holds a timer and a place among its operation's open windows (a plain timer, not `AbortSignal.timeout`,
 * so nothing waits for the garbage collector under load).
 */
export class CallWindow {
  readonly timeoutMs: number;
  /** True when the operation's deadline, not the source's timeout, sets the end. */
  readonly cutByDeadline: boolean;
  /** The window's end for undici: see AbortEvents. */
  readonly abortEvents = new AbortEvents();
  /** Made only when `signal` is asked for: most attempts never wait in line, so they never need one. */
  private controller: AbortController | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly operationSignal: AbortSignal | undefined;
  /** The open windows of this window's operation (see `openWindowsOf`), this one among them until it ends. */
  private readonly openInOperation: Set<CallWindow> | undefined;
  private endedBy: WindowEnd | undefined;

  constructor(sourceTimeoutMs: number) {
    const operation = currentOperation();
    const left = operation ? operation.deadline - Date.now() : Number.POSITIVE_INFINITY;
    this.cutByDeadline = left < sourceTimeoutMs;
    this.timeoutMs = Math.max(0, Math.min(sourceTimeoutMs, left));
    this.operationSignal = operation?.signal;
    if (this.operationSignal?.aborted) {
      this.endWithOperation();
    } else if (this.timeoutMs <= 0) {
      this.close("deadline", timeoutReason());
    } else {
      this.openInOperation = this.operationSignal && openWindowsOf(this.operationSignal);
      this.openInOperation?.add(this);
      this.timer = setTimeout(() => this.close(this.cutByDeadline ? "deadline" : "timeout", timeoutReason()), this.timeoutMs);
    }
  }

  /** The window's end as an AbortSignal, for a wait that takes one (the concurrency limit's line). */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortEvents.aborted) this.controller.abort(this.abortEvents.reason);
    }
    return this.controller.signal;
  }

  /** What ended the window, or undefined while it is open (or when the call finished first). */
  get end(): WindowEnd | undefined {
    return this.endedBy;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.openInOperation?.delete(this);
  }

  /** Closes the window because its operation's signal aborted (the deadline, or the client went away). */
  endWithOperation(): void {
    this.close(this.operationEnd(), this.operationSignal?.reason);
  }

  private operationEnd(): WindowEnd {
    // operationScope() aborts with a TimeoutError at the deadline; anything else is the client going away.
    return (this.operationSignal?.reason as Error | undefined)?.name === "TimeoutError" ? "deadline" : "cancelled";
  }

  private close(end: WindowEnd, reason: unknown): void {
    if (this.endedBy !== undefined) return;
    this.endedBy = end;
    this.dispose();
    this.abortEvents.aborted = true;
    this.abortEvents.reason = reason;
    this.abortEvents.emit("abort");
    this.controller?.abort(reason);
  }
}

/** Each operation's open windows, by the operation's signal: see `openWindowsOf`. */
const openWindows = new WeakMap<AbortSignal, Set<CallWindow>>();

/**
 * The open windows of the operation whose signal is `signal`, all closed by one listener on it, added with the
 * first. A listener of each window's own (the signal cleared for many by `listenable`, then an EventTarget add and
 * remove per window) made a window cost ~5.2 µs of CPU instead of ~3.7 µs in a one-call operation, and ~1.4 µs
 * instead of ~0.7 µs each in an operation of 20 calls. Kept with the signal, so it goes when the operation does.
 */
function openWindowsOf(signal: AbortSignal): Set<CallWindow> {
  let windows = openWindows.get(signal);
  if (windows === undefined) {
    const created = new Set<CallWindow>();
    // A window leaves the set as it closes, so each is closed once, in the order the calls started.
    signal.addEventListener("abort", () => created.forEach((window) => window.endWithOperation()), { once: true });
    openWindows.set(signal, created);
    windows = created;
  }
  return windows;
}

const tuned = new WeakSet<AbortSignal>();

/**
 * The operation's signal, cleared for many listeners: every retry of one operation waiting out its backoff listens
 * to it, possibly more than EventTarget's default of 10 at once (one per account of a 20-customer page). That is
 * not a leak (each listener goes when its wait ends), so Node's warning about it is turned off for this signal only.
 */
export function listenable(operation: OperationScope): AbortSignal {
  if (!tuned.has(operation.signal)) {
    setMaxListeners(0, operation.signal);
    tuned.add(operation.signal);
  }
  return operation.signal;
}

function timeoutReason(): Error {
  return new DOMException("the upstream call's time is up", "TimeoutError");
}
