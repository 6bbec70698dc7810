import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Invalidation } from "../../src/cache/invalidation.js";
import { SharedEntries } from "../../src/redis/shared-entries.js";
import { SharedInvalidation } from "../../src/redis/shared-invalidation.js";
import { redisMissing, useRedisPrefix } from "./support.js";

const logger = pino({ level: "silent" });
const entry = (value: unknown, tags: string[]) => ({ value, tags, freshUntil: Date.now() + 30_000, staleUntil: Date.now() + 60_000 });

describe.skipIf(redisMissing)("vendor answers shared by replicas through Redis", () => {
  const redis = useRedisPrefix();

  async function replica() {
    const connection = await redis.connect();
    const local = new Invalidation();
    const invalidations = await SharedInvalidation.start(connection, local, logger);
    return { local, invalidations, entries: new SharedEntries(connection) };
  }

  it("an answer one replica stored is served to another as it was (dates stay dates), in one batch with misses", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const licenses = [{ key: "K-1", activatedAt: new Date("2025-03-01T10:00:00Z"), kw: null }];
    await a.entries.set("sofar#x:licenses\u0000acct-1", entry(licenses, ["sofar:acct:acct-1"]), a.invalidations.position);
    const found = await b.entries.getMany(["sofar#x:licenses\u0000acct-1", "sofar#x:licenses\u0000acct-2"]);
    expect([...found.keys()]).toEqual(["sofar#x:licenses\u0000acct-1"]);
    expect(found.get("sofar#x:licenses\u0000acct-1")!.value).toEqual(licenses);
    expect((found.get("sofar#x:licenses\u0000acct-1")!.value as typeof licenses)[0]!.activatedAt).toBeInstanceOf(Date);
    expect(found.get("sofar#x:licenses\u0000acct-1")!.tags).toEqual(["sofar:acct:acct-1"]);
  });

  it("an answer is not served once any replica invalidated one of its tags", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    await a.entries.set("k-invalidated", entry("old", ["cryptolens:key:K9", "customer:c1"]), a.invalidations.position);
    expect((await b.entries.getMany(["k-invalidated"])).size).toBe(1);
    b.local.invalidate(["customer:c1"]);
    await b.invalidations.flushed();
    expect((await a.entries.getMany(["k-invalidated"])).size).toBe(0);
  });

  it("an answer whose read began before a change to one of its tags is not stored; one that began after is", async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    await a.invalidations.sync();
    const readStartedAt = a.invalidations.position;
    b.local.invalidate(["esmart:serial:SN-1"]);
    await b.invalidations.flushed();
    await a.entries.set("k-raced", entry("maybe old", ["esmart:serial:SN-1"]), readStartedAt);
    expect((await b.entries.getMany(["k-raced"])).size).toBe(0);
    await a.invalidations.sync();
    await a.entries.set("k-raced", entry("new", ["esmart:serial:SN-1"]), a.invalidations.position);
    expect((await b.entries.getMany(["k-raced"])).get("k-raced")?.value).toBe("new");
  });
});
