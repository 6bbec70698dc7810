import { isGatewayError } from "../errors/gateway-error.js";
import type { SourceHealth } from "./source.js";

/** Remembers how a source's last calls went, for `Query.sources`. Domain answers (404, already claimed) count as success. */
export class HealthTracker {
  private current: SourceHealth = { state: "unknown", lastErrorCode: null, lastErrorAt: null, lastSuccessAt: null };

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
    this.current = { ...this.current, state: "ok", lastSuccessAt: new Date() };
  }

  failure(code: string): void {
    this.current = { ...this.current, state: "failing", lastErrorCode: code, lastErrorAt: new Date() };
  }

  snapshot(): SourceHealth {
    return { ...this.current };
  }
}
