import type { Server, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";

export interface DrainOptions {
  /** How long /readyz says 503 while new connections are still accepted, so balancers stop sending first. */
  delayMs: number;
  /** How long in-flight requests may take to finish once the listener is closed; then their connections are cut. */
  graceMs: number;
}

/**
 * After the grace period, how long the handlers of the connections just cut may take to notice (their operations
 * are aborted with the connection), so that nothing they still do runs against a closed store.
 */
const SETTLE_MS = 2_000;

/**
 * Graceful shutdown of one HTTP server. `track` sees every request; `close` then:
 *   1. marks the server as draining at once (/readyz answers 503; every response from now on, in-flight ones
 *      included, carries `connection: close`, so keep-alive clients reconnect elsewhere),
 *   2. after `delayMs`, stops accepting connections and closes the idle keep-alive ones,
 *   3. waits for in-flight requests, closing each connection as its response ends,
 *   4. after `graceMs`, destroys whatever connections remain (their operations are aborted with them), and
 *      gives their handlers a moment to wind down.
 */
export class ConnectionDrain {
  #draining = false;
  readonly #inFlight = new Set<ServerResponse>();
  #settled: (() => void) | undefined;

  constructor(
    private readonly server: Server,
    private readonly logger: Logger,
  ) {}

  get draining(): boolean {
    return this.#draining;
  }

  track(res: ServerResponse): void {
    this.#inFlight.add(res);
    if (this.#draining) res.setHeader("connection", "close");
    res.once("close", () => {
      this.#inFlight.delete(res);
      if (this.#inFlight.size === 0) this.#settled?.();
      // A response whose headers left before the drain began kept its connection alive: close it once idle.
      if (this.#draining) setImmediate(() => this.server.closeIdleConnections());
    });
  }

  async close(options: DrainOptions): Promise<void> {
    if (!this.#draining) {
      this.#draining = true;
      for (const res of this.#inFlight) if (!res.headersSent) res.setHeader("connection", "close");
    }
    if (options.delayMs > 0) await sleep(options.delayMs);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    this.logger.info(
      { inFlight: this.#inFlight.size, graceMs: options.graceMs },
      "stopped accepting connections; waiting for the requests in flight",
    );
    const graceOver = setTimeout(() => {
      this.logger.warn({ cutOff: this.#inFlight.size }, "shutdown grace period over: closing the connections of requests still in flight");
      this.server.closeAllConnections();
    }, options.graceMs);
    try {
      await closed;
    } finally {
      clearTimeout(graceOver);
    }
    if (this.#inFlight.size > 0) {
      const settled = new Promise<void>((resolve) => (this.#settled = resolve));
      await Promise.race([settled, sleep(SETTLE_MS, undefined, { ref: false })]);
    }
  }
}
