import type { Logger } from "../logger.js";
import type { GatewayMetrics } from "./metrics.js";
import type { VendorDrift, VendorErrorAnswer } from "./upstream-telemetry.js";

/**
 * The log lines about what vendors said, for an operator: a client never sees a vendor's words, so the log is
 * where they are kept. A line written while a request is handled carries its `requestId` (the logger's mixin).
 */
export interface VendorLog {
  vendorError(answer: VendorErrorAnswer): void;
  drifted(drift: VendorDrift): void;
}

export function vendorLog(logger: Logger, metrics: GatewayMetrics | undefined): VendorLog {
  // Source and field names come from the configuration and the adapters' code: a bounded set.
  const driftLogged = new Set<string>();
  return {
    vendorError(answer) {
      // A vendor failing (UPSTREAM_*) is an operator's concern; a domain answer (not found, already claimed, a
      // refused field) is the vendor doing its job, kept at info for whoever wants its exact words.
      const level = answer.code.startsWith("UPSTREAM_") ? "warn" : "info";
      logger[level]({ ...answer }, "vendor error answer");
    },
    drifted(drift) {
      metrics?.drifted(drift.source, drift.field, drift.count);
      const key = `${drift.source}\u0000${drift.field}`;
      if (driftLogged.has(key)) return;
      driftLogged.add(key);
      logger.warn({ source: drift.source, field: drift.field, endpoint: drift.endpoint, got: drift.got }, "vendor field read leniently");
    },
  };
}
