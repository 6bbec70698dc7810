import type { SourceConfigInput } from "../../src/config/schema.js";
import type { GatewayInput } from "../gateway-process.js";
import type { World } from "../vendors-process.js";

/**
 * The gateways the bench runs: the gateway as configured for production ("cached"), and two references that
 * show what the cache and the per-request batching each save.
 */

export type VariantId = "cached" | "uncached" | "unbatched";

export interface Variant {
  id: VariantId;
  label: string;
  description: string;
  config: Pick<GatewayInput, "cache" | "batching">;
}

export const VARIANTS: Record<VariantId, Variant> = {
  cached: {
    id: "cached",
    label: "gateway",
    description: "The gateway with its defaults: cross-request cache on (`cache.enabled: true`), per-request batching on.",
    config: {},
  },
  uncached: {
    id: "uncached",
    label: "cache off",
    description: "`cache: { enabled: false }`: every operation asks the vendors; per-request batching still on.",
    config: { cache: { enabled: false } },
  },
  unbatched: {
    id: "unbatched",
    label: "no batching",
    description: "`cache: { enabled: false }` and `server: { batching: false }`: every field asks its source on its own.",
    config: { cache: { enabled: false }, batching: false },
  },
};

/**
 * Upstream connections and calls in flight per source. The defaults (DEFAULT_UPSTREAM, 128 and 128) keep one
 * operation from waiting behind itself; at 50-100 clients, each fanning out to every source several times, they
 * would still make the bench measure the gateway's queue in front of each vendor instead of the gateway.
 */
export const BENCH_UPSTREAM = { connections: 256, maxConcurrent: 256 } as const;

/** `upstream` undefined: the sources keep the gateway's own defaults (`npm run bench -- --upstream defaults`). */
export function gatewayInput(
  variant: Variant,
  world: World,
  storeUrl: string,
  upstream: { connections: number; maxConcurrent: number } | undefined,
  name: string = variant.id,
): GatewayInput {
  const sources = Object.fromEntries(
    Object.entries(world.sources).map(([id, source]): [string, SourceConfigInput] => [
      id,
      upstream === undefined
        ? source
        : { ...source, connections: upstream.connections, resilience: { maxConcurrent: upstream.maxConcurrent } },
    ]),
  );
  return { sources, customers: world.customers, logLevel: "warn", storeUrl, name, ...variant.config };
}
