import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { RedisTokenCache } from "../../src/redis/redis-token-cache.js";
import type { AccessTokenValue, TokenScope } from "../../src/sources/shared-tokens.js";
import { redisMissing, useRedisPrefix } from "./support.js";

const logger = pino({ level: "silent" });
const scope: TokenScope = { id: "sofar:test-scope", secret: "refresh-token-of-the-test" };
const fresh = (t: AccessTokenValue) => t.expiresAt - 60_000 > Date.now();

describe.skipIf(redisMissing)("vendor access tokens shared by replicas through Redis", () => {
  const redis = useRedisPrefix();
  const replicas = (n: number) => Promise.all(Array.from({ length: n }, async () => new RedisTokenCache(await redis.connect(), logger)));

  /** A vendor's token endpoint: slow enough that the replicas' requests overlap, counting its calls. */
  function tokenEndpoint() {
    let calls = 0;
    return {
      calls: () => calls,
      fetch: async (): Promise<AccessTokenValue> => {
        calls++;
        await sleep(50);
        return { value: `token-${calls}`, expiresAt: Date.now() + 10 * 60_000 };
      },
    };
  }

  it("a burst on five replicas fetches one token, and every replica gets it", async () => {
    const caches = await replicas(5);
    const vendor = tokenEndpoint();
    const tokens = await Promise.all(caches.flatMap((c) => [1, 2, 3].map(() => c.obtain({ ...scope, id: "burst" }, fresh, vendor.fetch))));
    expect(vendor.calls()).toBe(1);
    expect(new Set(tokens.map((t) => t.value))).toEqual(new Set(["token-1"]));
  });

  it("a refused token is replaced once for everyone; a newer one is not dropped by a late refusal", async () => {
    const [a, b, c] = await replicas(3);
    const vendor = tokenEndpoint();
    const s = { ...scope, id: "refused" };
    const first = await a!.obtain(s, fresh, vendor.fetch);
    await a!.reject(s, first.value);
    const renewed = await Promise.all([b!, c!].map((cache) => cache.obtain(s, (t) => fresh(t) && t.value !== first.value, vendor.fetch)));
    expect(vendor.calls()).toBe(2);
    expect(renewed.map((t) => t.value)).toEqual(["token-2", "token-2"]);
    // Another replica refusing the old token late leaves the new one in place.
    await c!.reject(s, first.value);
    expect((await a!.obtain(s, fresh, vendor.fetch)).value).toBe("token-2");
    expect(vendor.calls()).toBe(2);
  });

  it("keeps the token encrypted in Redis: the value is not in it, and another credential cannot use it", async () => {
    const [a] = await replicas(1);
    const vendor = tokenEndpoint();
    const s = { ...scope, id: "sealed" };
    const token = await a!.obtain(s, fresh, vendor.fetch);
    const raw = await (await redis.connect()).get("tokens:sealed");
    expect(raw).not.toBeNull();
    expect(raw).not.toContain(token.value);
    expect(raw).not.toContain(s.secret);
    // Same scope id, different credential (rotated in the config): the stored token is unreadable, so it fetches.
    const other = await a!.obtain({ ...s, secret: "another-credential" }, fresh, vendor.fetch);
    expect(other.value).toBe("token-2");
  });

  it("with Redis unreachable, each replica fetches for itself instead of failing", async () => {
    const connection = await redis.connect();
    const cache = new RedisTokenCache(connection, logger);
    connection.disconnect();
    const vendor = tokenEndpoint();
    expect((await cache.obtain({ ...scope, id: "down" }, fresh, vendor.fetch)).value).toBe("token-1");
  });
});
