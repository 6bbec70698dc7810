import { GraphQLError } from "graphql";
import type { Principal } from "../auth/principal.js";
import type { RateLimitConfig } from "../config/schema.js";
import type { Logger } from "../logger.js";
import type { Redis } from "../redis/connection.js";
import { bucketShape, type Buckets } from "./rate-limit/bucket.js";
import { MemoryBuckets } from "./rate-limit/memory-counters.js";
import { RedisBuckets } from "./rate-limit/redis-counters.js";

/**
 * Requests per client (config `server.rateLimit`), counted per principal: an API key (`apikey:<id>`), a JWT
 * subject (`jwt:<sub>`), or, with `auth.mode: off`, everyone together (`auth-off`). The HTTP server asks after
 * authentication and before anything else: before the response cache (a cached answer costs the gateway little,
 * but the limit is about the client), parsing, the operation limits and any vendor call. Requests refused by
 * authentication are not counted: the client behind them is unknown, and a client IP is the load balancer's
 * behind one; refusing them costs one key lookup.
 */
export interface RateLimiter {
  /** The refusal to answer with (HTTP 429, Retry-After, RATE_LIMITED), or undefined to go on. Never rejects. */
  refusal(principal: Principal): Promise<GraphQLError | undefined>;
}

export interface RateLimiterDeps {
  /** The Redis every replica shares (`cache.url`); without it the counters are this process's own. */
  redis?: Redis | undefined;
  logger: Logger;
}

/** The limiter for `server.rateLimit`, or undefined when there is none (the default). */
export function createRateLimiter(config: RateLimitConfig | undefined, deps: RateLimiterDeps): RateLimiter | undefined {
  if (config === undefined) return undefined;
  const burst = config.burst ?? config.requestsPerMinute;
  const shape = bucketShape(config.requestsPerMinute, burst);
  const buckets: Buckets = deps.redis ? new RedisBuckets(deps.redis, shape, deps.logger) : new MemoryBuckets(shape);
  const message = `too many requests from this client: at most ${config.requestsPerMinute} a minute, ${burst} at once`;
  return {
    async refusal(principal) {
      const decision = await buckets.take(principal.id);
      if (decision.allowed) return undefined;
      return rateLimitedError(message, decision.waitMs);
    },
  };
}

/**
 * HTTP 429 with Retry-After in whole seconds, rounded up (a client that waits that long is admitted) and at
 * least 1 (0 would invite an immediate retry that is refused again).
 */
export function rateLimitedError(message: string, waitMs: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1_000));
  return new GraphQLError(`${message}; retry in ${retryAfterSeconds} s`, {
    extensions: { code: "RATE_LIMITED", http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) } },
  });
}
