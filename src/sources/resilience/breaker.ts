import CircuitBreaker from "opossum";
import type { ResilienceConfig } from "../../config/source-options.js";
import { GatewayError } from "../../errors/gateway-error.js";

export type CircuitState = "closed" | "open" | "half-open";

/** Thrown without a network call while the circuit is open. An UPSTREAM_UNAVAILABLE like any outage, to clients. */
export class CircuitOpenError extends GatewayError {
  constructor(source: string, when: string) {
    super("UPSTREAM_UNAVAILABLE", `${source} is failing: its circuit is open, so the gateway did not call it (${when})`, { source });
    this.name = "CircuitOpenError";
  }
}

/**
 * One source's circuit breaker (opossum). `run` reports an outcome as a failure only when `isFailure` says so
 * (a timeout, a reset, a 5xx): a vendor's domain answer (404, 400, "already claimed") proves it is up and never
 * opens the circuit. Open: calls fail fast with CircuitOpenError. After `resetTimeoutMs`: half-open, one probe
 * call goes through; its success closes the circuit, its failure opens it again.
 *
 * opossum's own timeout and latency percentiles are off: the call window times calls, and `SourceGuard` keeps
 * the latency figures.
 */
export class SourceBreaker {
  private readonly breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  private openedAt = 0;

  constructor(
    private readonly source: string,
    private readonly config: ResilienceConfig["circuit"],
    isFailure: (error: unknown) => boolean,
  ) {
    this.breaker = new CircuitBreaker((action: () => Promise<unknown>) => action(), {
      name: source,
      timeout: false,
      // opossum opens when the failure percentage is strictly above the threshold.
      errorThresholdPercentage: config.errorThresholdPercentage,
      volumeThreshold: config.volumeThreshold,
      resetTimeout: config.resetTimeoutMs,
      rollingCountTimeout: config.rollingWindowMs,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !isFailure(error),
    });
    this.breaker.on("open", () => {
      this.openedAt = Date.now();
    });
  }

  get state(): CircuitState {
    if (this.breaker.opened) return "open";
    if (this.breaker.halfOpen) return "half-open";
    return "closed";
  }

  /** Whether a call may go now: closed, or half-open with its one probe not yet taken. */
  admits(): boolean {
    return this.breaker.closed || this.breaker.pendingClose;
  }

  /** Runs `action` under the breaker; throws CircuitOpenError, without running it, when the circuit refuses. */
  async run<T>(action: () => Promise<T>): Promise<T> {
    if (!this.admits()) throw this.openError();
    try {
      return (await this.breaker.fire(action)) as T;
    } catch (error) {
      // Another caller took the half-open probe between `admits()` and `fire`.
      if ((error as { code?: unknown } | undefined)?.code === "EOPENBREAKER") throw this.openError();
      throw error;
    }
  }

  openError(): CircuitOpenError {
    if (this.breaker.halfOpen) return new CircuitOpenError(this.source, "a probe call is testing whether it is back");
    const seconds = Math.max(1, Math.ceil((this.openedAt + this.config.resetTimeoutMs - Date.now()) / 1000));
    return new CircuitOpenError(this.source, `next probe within ${seconds} s`);
  }

  /** Stops opossum's bucket timer. */
  shutdown(): void {
    this.breaker.shutdown();
  }
}
