import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Invalidation } from "../../src/cache/invalidation.js";
import { SharedInvalidation } from "../../src/redis/shared-invalidation.js";
import { redisMissing, useRedisPrefix } from "./support.js";

const logger = pino({ level: "silent" });

describe.skipIf(redisMissing)("invalidations shared by replicas through Redis", () => {
  const redis = useRedisPrefix();

  /** One replica: its own Invalidation and connection, recording what reaches its caches. */
  async function replica() {
    const local = new Invalidation();
    const seen: Array<{ tags: readonly string[]; origin: string }> = [];
    let cleared = 0;
    local.onInvalidate((tags, origin) => seen.push({ tags, origin }));
    local.onClear(() => cleared++);
    const shared = await SharedInvalidation.start(await redis.connect(), local, logger);
    return { local, shared, seen, cleared: () => cleared };
  }

  it("a change on one replica reaches the others' caches at their next sync, once, and not its own twice", async () => {
    const [a, b, c] = await Promise.all([replica(), replica(), replica()]);
    a.local.invalidate(["sofar:lic:1", "customer:demo-customer-1"]);
    await a.shared.flushed();
    await Promise.all([a.shared.sync(), b.shared.sync(), c.shared.sync()]);
    for (const other of [b, c]) expect(other.seen).toEqual([{ tags: ["sofar:lic:1", "customer:demo-customer-1"], origin: "remote" }]);
    expect(a.seen).toEqual([{ tags: ["sofar:lic:1", "customer:demo-customer-1"], origin: "local" }]);
    // Nothing new: a sync applies nothing again.
    await b.shared.sync();
    expect(b.seen).toHaveLength(1);
  });

  it("a read under way on another replica when the change is published does not store what it got", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const readStartedAt = b.local.epoch;
    a.local.invalidate(["cryptolens:key:K1"]);
    await a.shared.flushed();
    await b.shared.sync();
    expect(b.local.changedSince(["cryptolens:key:K1"], readStartedAt)).toBe(true);
    expect(b.local.changedSince(["cryptolens:key:K2"], readStartedAt)).toBe(false);
  });

  it("every change flushed before a sync begins is applied by it, however syncs overlap (50 rounds)", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    for (let round = 0; round < 50; round++) {
      // Syncs already running on b must not be mistaken for ones that saw this round's change.
      const background = [b.shared.sync(), b.shared.sync()];
      a.local.invalidate([`round:${round}`]);
      await a.shared.flushed();
      await b.shared.sync();
      expect(b.seen.some((s) => s.tags.includes(`round:${round}`))).toBe(true);
      await Promise.all(background);
    }
  });

  it("a replica that fell far behind empties its caches and stops every read under way from storing", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const readStartedAt = b.local.epoch;
    for (let i = 0; i < 1_000; i++) a.local.invalidate([`storm:${i}`]);
    await a.shared.flushed();
    await b.shared.sync();
    expect(b.cleared()).toBe(1);
    expect(b.local.changedSince(["anything"], readStartedAt)).toBe(true);
    // Caught up: the next change is applied one by one again.
    a.local.invalidate(["after-storm"]);
    await a.shared.flushed();
    await b.shared.sync();
    expect(b.seen.at(-1)).toEqual({ tags: ["after-storm"], origin: "remote" });
  });

  it("sync rejects when Redis cannot be read, so the caller can bypass its caches", async () => {
    const local = new Invalidation();
    const connection = await redis.connect();
    const shared = await SharedInvalidation.start(connection, local, logger);
    connection.disconnect();
    await expect(shared.sync()).rejects.toThrow();
  });
});
