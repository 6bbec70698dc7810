import { GraphQLError } from "graphql";
import { currentOperation } from "../domain/operation-context.js";
import type { OperationGate } from "./graphql-over-http/operation.js";
import { SaturationController, type AdjustableLimit } from "./saturation-limit.js";

/**
 * Admission control: at most `limit` operations execute at once (`maxOperations`, or less while the adaptive limit
 * of saturation-limit.ts holds it down); the next `maxQueued` wait their turn in arrival order, each at most
 * `maxWaitMs`; beyond that a request is turned away at once (SERVER_BUSY, 503).
 *
 * Why: past what the vendors and the CPU can serve, an operation in flight only holds memory (its loaders, partial
 * results, upstream calls queued at the source's concurrency limit) and makes every other one slower; a waiting
 * request holds only its parsed request. The default is a safety valve against a flood; a fixed low limit costs
 * narrow operations against slow vendors their throughput (docs/operations.md#admission-control has the figures).
 */
export interface AdmissionLimits {
  maxOperations: number;
  maxQueued: number;
  maxWaitMs: number;
  /**
   * When enabled, the limit moves between `minOperations` and `maxOperations` with how busy the event loop is
   * (saturation-limit.ts); otherwise it stays at `maxOperations`.
   */
  adaptive?: { enabled: boolean; minOperations: number; targetUtilization: number; intervalMs: number } | undefined;
}

/** Why a request was not admitted. */
export type Refusal = "queue full" | "waited too long" | "client gone";

interface Waiter {
  admit: () => void;
}

export class Admission implements AdjustableLimit {
  private running = 0;
  // FIFO by a head index: shift() on a long array copies, and a queue of a thousand is the case that matters.
  private queue: (Waiter | undefined)[] = [];
  private head = 0;
  private queued = 0;
  private current: number;
  private readonly controller: SaturationController | undefined;

  /** Requests refused since start, by why: for the metrics. */
  readonly refusals: Record<Exclude<Refusal, "client gone">, number> = { "queue full": 0, "waited too long": 0 };

  constructor(private readonly limits: AdmissionLimits) {
    this.current = limits.maxOperations;
    const adaptive = limits.adaptive;
    this.controller = !adaptive?.enabled
      ? undefined
      : new SaturationController(this, {
          min: Math.min(adaptive.minOperations, limits.maxOperations),
          max: limits.maxOperations,
          targetUtilization: adaptive.targetUtilization,
          intervalMs: adaptive.intervalMs,
        });
  }

  /** Operations that may execute at once now: `maxOperations`, or less while the adaptive limit holds it down. */
  get limit(): number {
    return this.current;
  }

  /** Moves the limit; a raise admits as many waiting operations as it makes room for, a cut lets running ones finish. */
  setLimit(limit: number): void {
    this.current = Math.max(1, Math.min(limit, this.limits.maxOperations));
    while (this.running < this.current && this.admitNext()) this.running++;
  }

  /** Stops the adaptive limit's timer. */
  close(): void {
    this.controller?.close();
  }

  /** Operations executing now and waiting now: for the metrics. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queued };
  }

  /** Admits at once when there is room and nobody waits (no promise on the common path). */
  tryEnter(): boolean {
    if (this.running < this.current && this.queued === 0) {
      this.running++;
      return true;
    }
    return false;
  }

  /**
   * Waits for a turn: settles to undefined once admitted, or to why not. `gone` is the client hanging up while it
   * waits: it leaves the queue. Every admitted request (here or by `tryEnter`) must call `leave()` exactly once.
   */
  wait(gone?: AbortSignal): Promise<Refusal | undefined> {
    if (this.tryEnter()) return Promise.resolve(undefined);
    if (this.queued >= this.limits.maxQueued) {
      this.refusals["queue full"]++;
      return Promise.resolve("queue full");
    }
    if (gone?.aborted) return Promise.resolve("client gone");
    return new Promise<Refusal | undefined>((resolve) => {
      const index = this.queue.length;
      const settle = (outcome: Refusal | undefined) => {
        clearTimeout(timer);
        gone?.removeEventListener("abort", onGone);
        resolve(outcome);
      };
      const waiter: Waiter = { admit: () => settle(undefined) };
      const drop = (why: Refusal) => {
        if (this.queue[index] !== waiter) return;
        this.queue[index] = undefined;
        this.queued--;
        this.compact();
        settle(why);
      };
      const onGone = () => drop("client gone");
      const timer = setTimeout(() => {
        if (this.queue[index] === waiter) this.refusals["waited too long"]++;
        drop("waited too long");
      }, this.limits.maxWaitMs);
      gone?.addEventListener("abort", onGone, { once: true });
      this.queue.push(waiter);
      this.queued++;
    });
  }

  /**
   * An admitted operation finished: the next waiting one, if any, takes its place, unless the limit was cut below
   * what runs.
   */
  leave(): void {
    if (this.running > this.current || !this.admitNext()) this.running--;
    this.compact();
  }

  /** Admits the longest waiting operation, if any (it takes the slot its caller accounts for). */
  private admitNext(): boolean {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head];
      this.queue[this.head++] = undefined;
      if (next === undefined) continue;
      this.queued--;
      this.compact();
      next.admit();
      return true;
    }
    return false;
  }

  private compact(): void {
    if (this.queued === 0) {
      this.queue = [];
      this.head = 0;
    }
  }
}

/**
 * Admission as the GraphQL-over-HTTP engine asks for it (OperationGate): between a valid operation and its
 * execution, so that answers from the response cache and every refusal (limits, trusted documents, parse and
 * validation errors) never wait. The wait is part of the operation's scope: its deadline, or its client hanging
 * up, takes it out of the queue.
 */
export function admissionGate(admission: Admission): OperationGate {
  return {
    enter: () => {
      if (admission.tryEnter()) return undefined;
      return admission.wait(currentOperation()?.signal).then((outcome) => (outcome === undefined ? undefined : busy(outcome)));
    },
    leave: () => admission.leave(),
  };
}

function busy(why: Refusal): GraphQLError {
  const message =
    why === "queue full"
      ? "The gateway is at capacity and its queue is full: nothing was run. Retry after the time Retry-After gives."
      : why === "waited too long"
        ? "The gateway is at capacity and the operation waited too long for its turn: nothing was run. Retry after the time Retry-After gives."
        : "The operation's deadline passed, or its client went away, while it waited for its turn: nothing was run.";
  return new GraphQLError(message, {
    extensions: { code: "SERVER_BUSY", http: { status: 503, headers: new Map([["retry-after", "1"]]) } },
  });
}
