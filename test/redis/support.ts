import { randomBytes } from "node:crypto";
import { afterAll } from "vitest";
import type { Redis } from "ioredis";
import { openRedis } from "../../src/redis/connection.js";
import { deleteKeys } from "../support/redis-keys.js";

/** The Redis the suites that need one use (`.ci/run` sets it); without it they are skipped, saying so. */
export const REDIS_URL = process.env.REDIS_URL;
export const redisMissing = REDIS_URL === undefined ? "REDIS_URL is not set (e.g. redis://127.0.0.1:6379): Redis suites skipped" : false;

/**
 * Connections under one key prefix of this file's own, so files can run in parallel on one Redis; everything
 * under the prefix is deleted and every connection closed after the file.
 */
export function useRedisPrefix(): { prefix: string; connect(): Promise<Redis> } {
  const prefix = `lg-test:${randomBytes(6).toString("hex")}:`;
  const opened: Redis[] = [];
  afterAll(async () => {
    for (const redis of opened) redis.disconnect();
    if (REDIS_URL) await deleteKeys(REDIS_URL, prefix);
  });
  return {
    prefix,
    async connect() {
      const redis = await openRedis(REDIS_URL!, { keyPrefix: prefix });
      opened.push(redis);
      return redis;
    },
  };
}
