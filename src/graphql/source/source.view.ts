import type { SourceRegistry } from "../../federation/registry.js";
import { SourceState, type Source } from "./source.type.js";

const STATES = { ok: SourceState.OK, failing: SourceState.FAILING, unknown: SourceState.UNKNOWN } as const;

/** A source as clients see it; an id no longer configured (an old account mapping) still answers, as "unconfigured". */
export function sourceView(sources: SourceRegistry, id: string): Source {
  const source = sources.find(id);
  if (!source) return { id, kind: "unconfigured", state: SourceState.UNKNOWN, lastErrorCode: null, lastErrorAt: null, lastSuccessAt: null };
  const health = source.health();
  return { id, kind: source.kind, lastErrorCode: health.lastErrorCode, lastErrorAt: health.lastErrorAt, lastSuccessAt: health.lastSuccessAt, state: STATES[health.state] };
}
