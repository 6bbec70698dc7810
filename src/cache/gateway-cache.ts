import type { CacheConfig } from "../config/schema.js";
import type { SourceCaching } from "../sources/create.js";
import type { Logger } from "../logger.js";
import type { Redis } from "../redis/connection.js";
import { SharedEntries } from "../redis/shared-entries.js";
import { SharedInvalidation } from "../redis/shared-invalidation.js";
import type { Store } from "../store/store.js";
import { Invalidation } from "./invalidation.js";
import { LicenseLocator } from "./license-locator.js";
import { ResponseCache } from "./response-cache.js";
import { SourceCache, type SharedAnswers } from "./source-cache.js";
import { TaggedLru } from "./tagged-lru.js";

/** The caches of one gateway and what keeps them right: the store's committed changes invalidate their tags. */
export interface GatewayCache {
  invalidation: Invalidation;
  /** For createSources: undefined when caching is off. */
  sources: SourceCaching | undefined;
  responses: ResponseCache | undefined;
  /**
   * For createContext (src/graphql/context.ts), whose operations record what they read from this invalidation's
   * epoch on: undefined when responses are not cached.
   */
  contextDeps: { invalidation: Invalidation } | undefined;
  /** Which account listed a license; undefined when caching is off. */
  locator: LicenseLocator | undefined;
  /** For the HTTP server, with Redis: other replicas' changes applied before a request, ours published after. */
  sync: { before(): Promise<boolean>; after(): Promise<void> } | undefined;
}

/**
 * With `redis` (several replicas), each replica keeps its caches in memory (served without a network hop), vendor
 * answers are also shared through Redis (what one replica fetched, the others reuse: src/redis/shared-entries.ts),
 * and invalidations go through Redis to every replica (src/redis/shared-invalidation.ts), so the caches of all
 * replicas are as exact as one process's. Whole responses are per replica: they are keyed by principal and
 * request, and cheap to rebuild from shared answers.
 */
export async function createGatewayCache(config: CacheConfig, store: Store, logger: Logger, redis?: Redis): Promise<GatewayCache> {
  const invalidation = new Invalidation();
  store.onChange((tags) => invalidation.invalidate(tags));
  if (!config.enabled)
    return { invalidation, sources: undefined, responses: undefined, contextDeps: undefined, locator: undefined, sync: undefined };
  const shared = redis ? await SharedInvalidation.start(redis, invalidation, logger) : undefined;
  const sync = shared ? replicaSync(shared, logger) : undefined;
  const answers = redis && shared ? sharedAnswers(new SharedEntries(redis), shared) : undefined;
  const locator = new LicenseLocator();
  const sourceCache = new SourceCache(
    new TaggedLru({ maxEntries: config.maxEntries }),
    invalidation,
    (error, namespace) =>
      logger.debug({ err: error, namespace }, "background refresh of a stale cache entry failed; the stale answer stays until it expires"),
    answers,
  );
  if (!config.responses.enabled)
    return { invalidation, sources: { cache: sourceCache, invalidation }, responses: undefined, contextDeps: undefined, locator, sync };
  return {
    invalidation,
    sources: { cache: sourceCache, invalidation },
    responses: new ResponseCache(new TaggedLru({ maxBytes: config.responses.maxBytes }), invalidation, config.responses.ttlMs),
    contextDeps: { invalidation },
    locator,
    sync,
  };
}

/** How often "Redis is unreachable, caches bypassed" is logged at most. */
const BYPASS_LOG_EVERY_MS = 60_000;

function replicaSync(shared: SharedInvalidation, logger: Logger): GatewayCache["sync"] {
  let loggedAt = 0;
  return {
    // Unreachable Redis: serve without caches (slower, never stale) rather than fail or risk another replica's change.
    before: () =>
      shared.sync().then(
        () => true,
        (error: unknown) => {
          if (Date.now() - loggedAt >= BYPASS_LOG_EVERY_MS) {
            loggedAt = Date.now();
            logger.warn(
              { err: error },
              "cannot read other replicas' cache invalidations from Redis; requests bypass the caches until it answers",
            );
          }
          return false;
        },
      ),
    after: () => shared.flushed(),
  };
}

function sharedAnswers(entries: SharedEntries, invalidations: SharedInvalidation): SharedAnswers {
  return {
    getMany: (keys) => entries.getMany(keys),
    set: (key, entry, readFrom) => entries.set(key, entry, readFrom),
    position: () => invalidations.position,
  };
}
