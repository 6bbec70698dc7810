import type { SourceRegistry } from "../../federation/registry.js";
import type { SourceHealth } from "../../sources/source.js";
import { CircuitState, SourceState, type Source } from "./source.type.js";

const STATES = { ok: SourceState.OK, failing: SourceState.FAILING, unknown: SourceState.UNKNOWN } as const;
const CIRCUITS = { closed: CircuitState.CLOSED, open: CircuitState.OPEN, "half-open": CircuitState.HALF_OPEN } as const;

const UNCONFIGURED: SourceHealth = {
  state: "unknown",
  lastErrorCode: null,
  lastErrorAt: null,
  lastSuccessAt: null,
  circuit: "closed",
  latencyP50Ms: null,
  latencyP95Ms: null,
  errorRate: null,
};

/** A source as clients see it; an id no longer configured (an old account mapping) still answers, as "unconfigured". */
export function sourceView(sources: SourceRegistry, id: string): Source {
  const source = sources.find(id);
  const health = source?.health() ?? UNCONFIGURED;
  return {
    id,
    kind: source?.kind ?? "unconfigured",
    state: STATES[health.state],
    lastErrorCode: health.lastErrorCode,
    lastErrorAt: health.lastErrorAt,
    lastSuccessAt: health.lastSuccessAt,
    circuit: CIRCUITS[health.circuit],
    // Whole milliseconds: Int in the schema; sub-millisecond precision says nothing to an operator.
    latencyP50Ms: health.latencyP50Ms === null ? null : Math.round(health.latencyP50Ms),
    latencyP95Ms: health.latencyP95Ms === null ? null : Math.round(health.latencyP95Ms),
    errorRate: health.errorRate,
  };
}
