import { isGatewayError } from "../errors/gateway-error.js";
import { RollingCounter } from "./resilience/rolling-counter.js";
import type { SourceGuard } from "./resilience/source-guard.js";
import type { SourceHealth } from "./source.js";

/** The recent window for the error rate when there is no guard to take it from. */
const DEFAULT_WINDOW_MS = 10_000;

/**
 * Remembers how a source's calls went, for `Query.sources`: the last outcome and error code, the error rate over
 * the recent window (the circuit breaker's window), and the guard's circuit state and latencies. Domain answers
 * (404, already claimed) count as success: the vendor answered.
 */
export class HealthTracker {
  private current: Pick<SourceHealth, "state" | "lastErrorCode" | "lastErrorAt" | "lastSuccessAt"> = {
    state: "unknown",
    lastErrorCode: null,
    lastErrorAt: null,
    lastSuccessAt: null,
  };
  private readonly calls: RollingCounter;
  private readonly failures: RollingCounter;

  constructor(private readonly guard?: SourceGuard) {
    const windowMs = guard?.config.circuit.rollingWindowMs ?? DEFAULT_WINDOW_MS;
    this.calls = new RollingCounter(windowMs);
    this.failures = new RollingCounter(windowMs);
  }

  async track<T>(call: () => Promise<T>): Promise<T> {
    try {
      const value = await call();
      this.success();
      return value;
    } catch (error) {
      if (isGatewayError(error) && !error.code.startsWith("UPSTREAM_")) this.success();
      else this.failure(isGatewayError(error) ? error.code : "INTERNAL_SERVER_ERROR");
      throw error;
    }
  }

  success(): void {
    this.calls.add();
    this.current = { ...this.current, state: "ok", lastSuccessAt: new Date() };
  }

  failure(code: string): void {
    this.calls.add();
    this.failures.add();
    this.current = { ...this.current, state: "failing", lastErrorCode: code, lastErrorAt: new Date() };
  }

  snapshot(): SourceHealth {
    const calls = this.calls.total();
    const guard = this.guard?.snapshot() ?? { circuit: "closed" as const, latencyP50Ms: null, latencyP95Ms: null };
    return { ...this.current, ...guard, errorRate: calls === 0 ? null : Math.min(1, this.failures.total() / calls) };
  }
}
