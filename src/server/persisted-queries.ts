import type { Logger } from "pino";
import { TaggedLru } from "../cache/tagged-lru.js";
import { redisReady, type Redis } from "../redis/connection.js";
import type { DocumentStore, PersistedQueryOptions } from "./graphql-over-http/persisted-queries.js";

/** Config `server.persistedQueries`. */
export interface PersistedQueriesConfig {
  enabled: boolean;
  /** How long a registered document is kept after it was last registered. */
  ttlSeconds: number;
  /** Documents kept in memory (without Redis); the least recently used go first. */
  maxEntries: number;
}

/**
 * Automatic persisted queries (APQ, graphql-over-http/persisted-queries.ts), with a bounded store: in the gateway's Redis when there is one,
 * so a document registered on one replica is known to all of them (a client is not sent back to re-register by
 * whichever replica its next request lands on); in memory otherwise. False turns APQ off (requests then get
 * PERSISTED_QUERY_NOT_SUPPORTED).
 *
 * Every document still passes the request limits: the token and size checks run on the text of the request that
 * registers it (a hash-only request can only name a document registered that way), and the depth and cost rules are
 * validation rules, which run on a document taken from this store as on any other.
 */
export function persistedQueryOptions(
  config: PersistedQueriesConfig,
  deps: { redis?: Redis | undefined; logger: Logger },
): PersistedQueryOptions | false {
  if (!config.enabled) return false;
  const cache = deps.redis ? new RedisDocumentCache(deps.redis, deps.logger) : new MemoryDocumentCache(config.maxEntries);
  return { cache, ttl: config.ttlSeconds };
}

/**
 * Documents in Redis under the connection's key prefix (ioredis adds it), each with the configured TTL, which
 * bounds the store. A Redis failure is a miss, never an error: the client answers PERSISTED_QUERY_NOT_FOUND by
 * sending the document again, so an outage costs one round trip rather than failed operations.
 */
export class RedisDocumentCache implements DocumentStore {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    if (!redisReady(this.redis)) return undefined;
    try {
      return (await this.redis.get(key)) ?? undefined;
    } catch (error) {
      this.logger.warn({ err: error }, "persisted query lookup failed; answered as not found");
      return undefined;
    }
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (!redisReady(this.redis)) return;
    const ttl = options?.ttl;
    // A failed registration is logged (graphql-over-http/operation.ts); the operation still runs, since it carried its document.
    if (ttl) await this.redis.set(key, value, "EX", ttl);
    else await this.redis.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(key)) > 0;
  }
}

/**
 * In memory: at most `maxEntries` documents, least recently used out first, each kept `ttl` seconds after it was
 * registered (the caches' bounded LRU, src/cache/tagged-lru.ts, with no tags: nothing invalidates a document).
 */
export class MemoryDocumentCache implements DocumentStore {
  private readonly entries: TaggedLru<string>;

  constructor(maxEntries: number) {
    this.entries = new TaggedLru({ maxEntries });
  }

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key)?.value;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    const until = options?.ttl ? Date.now() + options.ttl * 1000 : Number.POSITIVE_INFINITY;
    this.entries.set(key, { value, tags: [], freshUntil: until, staleUntil: until, size: 1 });
  }

  async delete(key: string): Promise<boolean> {
    const had = this.entries.get(key) !== undefined;
    this.entries.delete(key);
    return had;
  }
}
