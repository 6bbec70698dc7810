import type { Redis } from "../../redis/connection.js";
import type { Logger } from "../../logger.js";
import type { BucketDecision, Buckets, BucketShape } from "./bucket.js";

/**
 * GCRA (bucket.ts) as one Lua script, so reading and moving a principal's time is one atomic step and one round
 * trip, whichever replica asks. The time is Redis's own (TIME), not the replica's: replicas whose clocks disagree
 * still share one timeline, which is what makes the limit exact across them. Times are whole microseconds, kept
 * as integers: Lua numbers are doubles, exact up to 2^53 µs (year 2255), and `%d` keeps them out of exponent form.
 * Redis 7 replicates a script by its effects, so TIME before a write is allowed.
 *
 * KEYS[1] the principal's key; ARGV[1] interval, ARGV[2] tolerance (µs).
 * Returns {1, 0} when admitted, {0, wait µs} when not.
 */
const TAKE_SCRIPT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
local arrival = now
if stored then arrival = math.max(tonumber(stored), now) end
local wait = arrival - tolerance - now
if wait > 0 then return {0, wait} end
local nextArrival = arrival + interval
-- The key lives until the bucket is full again: then it means the same as no key.
redis.call('SET', KEYS[1], string.format('%d', nextArrival), 'PX', math.ceil((nextArrival - now) / 1000))
return {1, 0}
`;

/** Named for this gateway, so it cannot clash with a script another part of the gateway defines on the connection. */
const COMMAND = "licenseGatewayRateLimitTake";

type WithTake = Redis & Record<typeof COMMAND, (key: string, intervalUs: string, toleranceUs: string) => Promise<[number, number]>>;

/** A limiter must never be why a request fails: Redis trouble admits the request, and says so now and then. */
const LOG_EVERY_MS = 60_000;

/**
 * Buckets in the Redis every replica shares (`cache.url`), one key per principal: `<keyPrefix>rate:<principal id>`
 * (`apikey:<id>`, `jwt:<sub>`, `auth-off`; never a credential).
 *
 * Fails open: when Redis is not connected, errs or times out (the connection's command timeout), the request is
 * admitted and a warning is logged at most once a minute, with how many requests went through unchecked. A
 * connection that is not ready is not even asked, so an outage does not make every request wait for the timeout.
 */
export class RedisBuckets implements Buckets {
  private readonly redis: WithTake;
  private readonly intervalUs: string;
  private readonly toleranceUs: string;
  private lastWarning = Number.NEGATIVE_INFINITY;
  private uncheckedSinceWarning = 0;

  constructor(
    redis: Redis,
    shape: BucketShape,
    private readonly logger: Logger,
    /** Milliseconds, for spacing the warnings; tests pass their own. */
    private readonly clock: () => number = Date.now,
  ) {
    // ioredis sends EVALSHA and falls back to EVAL once per connection; keys get the connection's keyPrefix.
    redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis = redis as WithTake;
    this.intervalUs = String(Math.round(shape.intervalMs * 1_000));
    this.toleranceUs = String(Math.round(shape.toleranceMs * 1_000));
  }

  async take(principalId: string): Promise<BucketDecision> {
    if (this.redis.status !== "ready") return this.admitUnchecked(`Redis connection is ${this.redis.status}`);
    try {
      const [allowed, waitUs] = await this.redis[COMMAND](`rate:${principalId}`, this.intervalUs, this.toleranceUs);
      return allowed === 1 ? { allowed: true } : { allowed: false, waitMs: waitUs / 1_000 };
    } catch (error) {
      return this.admitUnchecked((error as Error).message);
    }
  }

  private admitUnchecked(reason: string): BucketDecision {
    this.uncheckedSinceWarning++;
    const now = this.clock();
    if (now - this.lastWarning >= LOG_EVERY_MS) {
      this.logger.warn(
        { reason, uncheckedRequests: this.uncheckedSinceWarning },
        "rate-limit counters unavailable in Redis: requests are admitted without a limit until it answers",
      );
      this.lastWarning = now;
      this.uncheckedSinceWarning = 0;
    }
    return { allowed: true };
  }
}
