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

/**
 * A source as clients see it; an id no longer configured (an old account mapping) still answers, as "unconfigured".
 * The health figures are read only when a health field is selected: most queries ask a license's `source { id }`,
 * and sorting the latency window for every license would be wasted.
 */
export function sourceView(sources: SourceRegistry, id: string): Source {
  const source = sources.find(id);
  let read: SourceHealth | undefined;
  const health = () => (read ??= source?.health() ?? UNCONFIGURED);
  return {
    id,
    kind: source?.kind ?? "unconfigured",
    get state() {
      return STATES[health().state];
    },
    get lastErrorCode() {
      return health().lastErrorCode;
    },
    get lastErrorAt() {
      return health().lastErrorAt;
    },
    get lastSuccessAt() {
      return health().lastSuccessAt;
    },
    get circuit() {
      return CIRCUITS[health().circuit];
    },
    // Whole milliseconds: Int in the schema; sub-millisecond precision says nothing to an operator.
    get latencyP50Ms() {
      const ms = health().latencyP50Ms;
      return ms === null ? null : Math.round(ms);
    },
    get latencyP95Ms() {
      const ms = health().latencyP95Ms;
      return ms === null ? null : Math.round(ms);
    },
    get errorRate() {
      return health().errorRate;
    },
  };
}
