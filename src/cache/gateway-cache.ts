import type { CacheConfig } from "../config/schema.js";
import type { SourceCaching } from "../sources/create.js";
import type { ContextDeps } from "../graphql/context.js";
import type { Logger } from "../logger.js";
import type { Store } from "../store/store.js";
import { Invalidation } from "./invalidation.js";
import { LicenseLocator } from "./license-locator.js";
import { ResponseCache } from "./response-cache.js";
import { SourceCache } from "./source-cache.js";
import { TaggedLru } from "./tagged-lru.js";

/** The caches of one gateway and what keeps them right: the store's committed changes invalidate their tags. */
export interface GatewayCache {
  invalidation: Invalidation;
  /** For createSources: undefined when caching is off. */
  sources: SourceCaching | undefined;
  responses: ResponseCache | undefined;
  /** For createContext: undefined when responses are not cached. */
  contextDeps: ContextDeps["responseCache"];
  /** Which account listed a license; undefined when caching is off. */
  locator: LicenseLocator | undefined;
}

export function createGatewayCache(config: CacheConfig, store: Store, logger: Logger): GatewayCache {
  const invalidation = new Invalidation();
  store.onChange((tags) => invalidation.invalidate(tags));
  if (!config.enabled) return { invalidation, sources: undefined, responses: undefined, contextDeps: undefined, locator: undefined };
  const locator = new LicenseLocator();
  const sourceCache = new SourceCache(new TaggedLru({ maxEntries: config.maxEntries }), invalidation, (error, namespace) =>
    logger.debug({ err: error, namespace }, "background refresh of a stale cache entry failed; the stale answer stays until it expires"),
  );
  if (!config.responses.enabled) return { invalidation, sources: { cache: sourceCache, invalidation }, responses: undefined, contextDeps: undefined, locator };
  return {
    invalidation,
    sources: { cache: sourceCache, invalidation },
    responses: new ResponseCache(new TaggedLru({ maxBytes: config.responses.maxBytes }), invalidation, config.responses.ttlMs),
    contextDeps: { invalidation },
    locator,
  };
}
