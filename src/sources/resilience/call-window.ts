import { EventEmitter, setMaxListeners } from "node:events";
import { currentOperation, type OperationScope } from "../../federation/operation-scope.js";

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
 * a window holds a timer and a listener on the operation's signal (a plain timer, not `AbortSignal.timeout`, so
 * nothing waits for the garbage collector under load).
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
  private readonly onOperationAbort = (): void => this.close(this.operationEnd(), this.operationSignal?.reason);
  private endedBy: WindowEnd | undefined;

  constructor(sourceTimeoutMs: number) {
    const operation = currentOperation();
    const left = operation ? operation.deadline - Date.now() : Number.POSITIVE_INFINITY;
    this.cutByDeadline = left < sourceTimeoutMs;
    this.timeoutMs = Math.max(0, Math.min(sourceTimeoutMs, left));
    this.operationSignal = operation && listenable(operation);
    if (this.operationSignal?.aborted) {
      this.onOperationAbort();
    } else if (this.timeoutMs <= 0) {
      this.close("deadline", timeoutReason());
    } else {
      this.operationSignal?.addEventListener("abort", this.onOperationAbort, { once: true });
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
    this.operationSignal?.removeEventListener("abort", this.onOperationAbort);
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

const tuned = new WeakSet<AbortSignal>();

/**
 * The operation's signal, cleared for many listeners: every upstream call of one operation listens to it while it
 * runs, often more than EventTarget's default of 10 at once (one per account of a 20-customer page). That is not
 * a leak (each listener goes when its call ends), so Node's warning about it is turned off for this signal only.
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
