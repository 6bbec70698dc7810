import type { Redis } from "ioredis";
import { redactUrl } from "../store/db.js";

export type { Redis };

export interface RedisOptions {
  /** Prefix of every key this connection touches (ioredis adds it to keys, not to channels). */
  keyPrefix: string;
}

/**
 * Opens the gateway's Redis connection and waits until it answers, so a wrong URL fails the start with a clear
 * message rather than the first request. Commands issued while Redis is briefly away are queued by ioredis and
 * sent on reconnect; a command that waits longer than `commandTimeout` fails, and each caller decides what that
 * means for it (a cache miss, a token fetch of its own).
 */
export async function openRedis(url: string, options: RedisOptions): Promise<Redis> {
  // Loaded only by a gateway that has Redis: ioredis was the heaviest package the demo loaded without using it.
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix,
    lazyConnect: true,
    // Fail a command after 1 s rather than hang an operation on an unreachable Redis.
    commandTimeout: 1_000,
    maxRetriesPerRequest: 1,
    // Reconnect with a growing pause, at most 2 s: Redis restarts should heal without the gateway restarting.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
  });
  // Without a listener, a connection error would crash the process; ioredis reconnects by itself.
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  return redis;
}

/**
 * Whether commands would be sent now. While ioredis reconnects it queues commands until `commandTimeout`; callers
 * with a fallback (a cache miss, a local token fetch) check this first, so an outage costs no waiting at all.
 */
export function redisReady(redis: Redis): boolean {
  return redis.status === "ready";
}

/** A second connection on the same server for SUBSCRIBE (a subscribed connection can run nothing else). */
export async function openSubscriber(main: Redis): Promise<Redis> {
  const subscriber = main.duplicate({ lazyConnect: true, keyPrefix: "" });
  subscriber.on("error", () => {});
  await subscriber.connect();
  return subscriber;
}
