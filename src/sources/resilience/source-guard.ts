import { setTimeout as sleep } from "node:timers/promises";
import type { ResilienceConfig } from "../../config/source-options.js";
import { GatewayError, isGatewayError } from "../../errors/gateway-error.js";
import { currentOperation } from "../../domain/operation-context.js";
import type { UpstreamResponse } from "../upstream-exchange.js";
import { fullJitterMs } from "./backoff.js";
import { CircuitOpenError, SourceBreaker, type CircuitState } from "./breaker.js";
import { CallWindow, listenable } from "./call-window.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { LatencyWindow } from "./latency-window.js";
import { retryAfterSeconds } from "./retry-after.js";
import { RetryBudget } from "./retry-budget.js";

/** One upstream call as the guard sees it. */
export interface GuardedCall {
  /** "GET /v1/…", for messages. */
  what: string;
  /** Whether sending it twice has the effect of sending it once: only such calls are ever retried. */
  idempotent: boolean;
  /** The source's timeout for one attempt. */
  timeoutMs: number;
  /** A 5xx the vendor uses to answer about the request itself (Customerarea's validation 500): not a failure. */
  isDomainAnswer?: ((res: UpstreamResponse) => boolean) | undefined;
}

/** One attempt over the network within `window`; transport failures come back as coded GatewayErrors. */
export type Attempt = (window: CallWindow) => Promise<UpstreamResponse>;

export interface GuardSnapshot {
  circuit: CircuitState;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

type Outcome = { response: UpstreamResponse } | { error: unknown };

/** Carries a vendor's failure answer (5xx, 429) through opossum, which only counts rejections; unwrapped after. */
class FailureAnswer extends Error {
  constructor(readonly response: UpstreamResponse) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * Everything between a source's adapter and the network, composed in one place (STYLE 6), per source:
 *
 *   retries (idempotent calls only, full-jitter backoff, Retry-After up to retryMaxMs, a retry budget, never past
 *   the operation's deadline) → circuit breaker (fails fast while open) → concurrency limit (waits in line within
 *   the call's window) → one attempt, timed by its CallWindow (source timeout ∧ operation deadline).
 *
 * A failure, for retries and the breaker alike, is a timeout, a connection failure, a 5xx or a 429. Anything
 * else the vendor answers (404, 400, a domain 5xx) is returned to the adapter untouched: it proves the vendor
 * is up. Statuses keep their meaning in the adapters, which map the final answer as before.
 */
export class SourceGuard {
  private readonly breaker: SourceBreaker;
  private readonly budget: RetryBudget;
  private readonly limit: ConcurrencyLimit;
  private readonly latency: LatencyWindow;
  /** Errors that are not the vendor's doing (the client went away): never counted against the circuit. */
  private readonly excused = new WeakSet<object>();

  constructor(
    readonly source: string,
    readonly config: ResilienceConfig,
  ) {
    this.breaker = new SourceBreaker(source, config.circuit, (error) => this.countsAgainstCircuit(error));
    this.budget = new RetryBudget(config.retryBudgetRatio, config.circuit.rollingWindowMs, config.retryBudgetMinPerSecond);
    this.limit = new ConcurrencyLimit(config.maxConcurrent);
    this.latency = new LatencyWindow(config.circuit.rollingWindowMs);
  }

  async send(call: GuardedCall, attempt: Attempt): Promise<UpstreamResponse> {
    this.budget.recordCall();
    let previous: Outcome | undefined;
    for (let retry = 0; ; retry++) {
      const outcome = await this.once(call, attempt);
      // The circuit opened while this call waited to retry: the caller gets the failure the call met (a timeout, a
      // 503), not the refusal of a retry that was never sent.
      if (previous && "error" in outcome && outcome.error instanceof CircuitOpenError) return settle(previous);
      const wait = this.retryWait(call, outcome, retry);
      if (wait === undefined || !(await pause(wait))) return settle(outcome);
      previous = outcome;
    }
  }

  snapshot(): GuardSnapshot {
    const [latencyP50Ms, latencyP95Ms] = this.latency.percentiles(50, 95);
    return { circuit: this.breaker.state, latencyP50Ms: latencyP50Ms ?? null, latencyP95Ms: latencyP95Ms ?? null };
  }

  close(): void {
    this.breaker.shutdown();
  }

  private async once(call: GuardedCall, attempt: Attempt): Promise<Outcome> {
    // Checked before queueing too, so an open circuit fails fast instead of waiting for a slot first.
    if (!this.breaker.admits()) return { error: this.breaker.openError() };
    const window = new CallWindow(call.timeoutMs);
    let release: (() => void) | undefined;
    try {
      // A free slot is taken at once, with no promise to wait for; a window already closed goes through
      // `acquire`, which refuses it, so the call is not sent.
      release =
        (window.end === undefined ? this.limit.tryAcquire() : undefined) ??
        (await this.limit.acquire(window.signal).catch(() => {
          throw this.queueError(call, window);
        }));
      const response = await this.breaker.run(() => this.timed(call, attempt, window));
      return { response };
    } catch (error) {
      return error instanceof FailureAnswer ? { response: error.response } : { error };
    } finally {
      release?.();
      window.dispose();
    }
  }

  private async timed(call: GuardedCall, attempt: Attempt, window: CallWindow): Promise<UpstreamResponse> {
    const started = performance.now();
    try {
      const res = await attempt(window);
      this.latency.record(performance.now() - started);
      if (this.isFailureAnswer(call, res)) throw new FailureAnswer(res);
      return res;
    } catch (error) {
      if (error instanceof FailureAnswer) throw error;
      if (window.end !== "cancelled") this.latency.record(performance.now() - started);
      else if (typeof error === "object" && error !== null) this.excused.add(error);
      throw error;
    }
  }

  /** Milliseconds to wait before retrying, or undefined to stop here with `outcome`. */
  private retryWait(call: GuardedCall, outcome: Outcome, retry: number): number | undefined {
    if (!call.idempotent || retry >= this.config.retries) return undefined;
    const transient = this.transient(call, outcome);
    if (transient === undefined) return undefined;
    let wait = fullJitterMs(retry, this.config.retryBaseMs, this.config.retryMaxMs);
    if (transient.retryAfterMs !== undefined) {
      // The vendor asked for longer than the gateway may wait: give up now, with its answer (RATE_LIMITED + seconds).
      if (transient.retryAfterMs > this.config.retryMaxMs) return undefined;
      wait = Math.max(wait, transient.retryAfterMs);
    }
    // A retry must still have a real chance before the deadline (at least retryBaseMs), or it only adds load.
    const operation = currentOperation();
    if (operation && Date.now() + wait + this.config.retryBaseMs > operation.deadline) return undefined;
    // Last, so a retry that would not happen anyway does not spend the budget.
    return this.budget.tryRetry() ? wait : undefined;
  }

  /** Whether `outcome` is worth another try, with the vendor's Retry-After (ms) when it gave one. */
  private transient(call: GuardedCall, outcome: Outcome): { retryAfterMs?: number } | undefined {
    if ("response" in outcome) {
      if (!this.isFailureAnswer(call, outcome.response)) return undefined;
      const seconds = retryAfterSeconds(outcome.response.headers["retry-after"]);
      return seconds === undefined ? {} : { retryAfterMs: seconds * 1000 };
    }
    const error = outcome.error;
    if (error instanceof CircuitOpenError || this.excused.has(error as object)) return undefined;
    return isGatewayError(error) && (error.code === "UPSTREAM_TIMEOUT" || error.code === "UPSTREAM_UNAVAILABLE") ? {} : undefined;
  }

  private isFailureAnswer(call: GuardedCall, res: UpstreamResponse): boolean {
    if (res.status !== 429 && res.status < 500) return false;
    return !(call.isDomainAnswer?.(res) ?? false);
  }

  private countsAgainstCircuit(error: unknown): boolean {
    if (error instanceof FailureAnswer) return true;
    if (typeof error === "object" && error !== null && this.excused.has(error)) return false;
    return isGatewayError(error) && (error.code === "UPSTREAM_TIMEOUT" || error.code === "UPSTREAM_UNAVAILABLE");
  }

  /** Why a call that never got a concurrency slot was not sent. */
  private queueError(call: GuardedCall, window: CallWindow): GatewayError {
    const source = this.source;
    if (window.end === "cancelled") {
      const error = new GatewayError("UPSTREAM_UNAVAILABLE", `${call.what} was not sent: the operation was cancelled`, { source });
      this.excused.add(error);
      return error;
    }
    if (window.timeoutMs === 0)
      return new GatewayError("UPSTREAM_TIMEOUT", `${call.what} was not sent: the operation's deadline had passed`, { source });
    const until = window.end === "deadline" ? "until the operation's deadline" : `for ${window.timeoutMs} ms`;
    return new GatewayError(
      "UPSTREAM_TIMEOUT",
      `${call.what} was not sent: it waited ${until} for one of ${this.limit.max} connection slots, all busy`,
      {
        source,
      },
    );
  }
}

function settle(outcome: Outcome): UpstreamResponse {
  if ("response" in outcome) return outcome.response;
  throw outcome.error;
}

/** Waits `ms`, or less if the operation ends meanwhile; false then, so the caller stops retrying. */
async function pause(ms: number): Promise<boolean> {
  const operation = currentOperation();
  const signal = operation && listenable(operation);
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}
