import { describe, expect, it } from "vitest";
import { Invalidation } from "../../src/cache/invalidation.js";
import { SourceCache, type KeyedRead } from "../../src/cache/source-cache.js";
import { TaggedLru } from "../../src/cache/tagged-lru.js";

/** A vendor batch endpoint that records each call's keys and answers "<key>@v<version>", after `delayMs`. */
function vendor(options: { delayMs?: number; fail?: (id: string) => boolean } = {}) {
  const calls: string[][] = [];
  let version = 1;
  return {
    calls,
    bump: () => void version++,
    fetch: async (ids: string[]) => {
      calls.push([...ids]);
      const v = version;
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      return ids.map((id) => (options.fail?.(id) ? new Error(`vendor failed on ${id}`) : `${id}@v${v}`));
    },
  };
}

function setup(policy = { ttlMs: 10_000, staleMs: 0 }, maxEntries = 1_000) {
  const invalidation = new Invalidation();
  const cache = new SourceCache(new TaggedLru({ maxEntries }), invalidation);
  const read = (v: ReturnType<typeof vendor>, namespace = "sofar#abc:accounts"): KeyedRead<string> => ({
    namespace,
    policy,
    fetch: v.fetch,
    tagsOf: (id) => [`sofar:acct:${id}`],
  });
  return { invalidation, cache, read };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe("SourceCache", () => {
  it("asks the vendor only for the keys it does not hold, in one batch, in the caller's order", async () => {
    const { cache, read } = setup();
    const v = vendor();
    expect(await cache.batch(read(v), ["a", "b"])).toEqual(["a@v1", "b@v1"]);
    expect(await cache.batch(read(v), ["c", "a", "d", "b"])).toEqual(["c@v1", "a@v1", "d@v1", "b@v1"]);
    expect(v.calls).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("asks once for a key requested twice in one batch", async () => {
    const { cache, read } = setup();
    const v = vendor();
    expect(await cache.batch(read(v), ["a", "a"])).toEqual(["a@v1", "a@v1"]);
    expect(v.calls).toEqual([["a"]]);
  });

  it("never mixes the answers of two sources or two credentials: the namespace is part of the key", async () => {
    const { cache, read } = setup();
    const one = vendor();
    const other = vendor();
    other.bump();
    await cache.batch(read(one, "sofar#cred1:accounts"), ["a"]);
    expect(await cache.batch(read(other, "sofar#cred2:accounts"), ["a"])).toEqual(["a@v2"]);
    expect(other.calls).toEqual([["a"]]);
  });

  it("shares one vendor call among concurrent requests for the same key", async () => {
    const { cache, read } = setup();
    const v = vendor({ delayMs: 30 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => cache.batch(read(v), ["a", "b"])));
    expect(answers.every((a) => a[0] === "a@v1" && a[1] === "b@v1")).toBe(true);
    expect(v.calls).toEqual([["a", "b"]]);
    expect(cache.counts.joined).toBe(38);
  });

  it("keeps an error in its key's place and never caches it", async () => {
    const { cache, read } = setup();
    let failing = true;
    const v = vendor({ fail: (id) => failing && id === "b" });
    const [a, b] = await cache.batch(read(v), ["a", "b"]);
    expect(a).toBe("a@v1");
    expect(b).toBeInstanceOf(Error);
    failing = false;
    expect(await cache.batch(read(v), ["a", "b"])).toEqual(["a@v1", "b@v1"]);
    expect(v.calls).toEqual([["a", "b"], ["b"]]);
  });

  it("turns a thrown batch into one error per key", async () => {
    const { cache } = setup();
    const read: KeyedRead<string> = {
      namespace: "x",
      policy: { ttlMs: 1_000, staleMs: 0 },
      fetch: () => Promise.reject(new Error("down")),
      tagsOf: () => [],
    };
    const out = await cache.batch(read, ["a", "b"]);
    expect(out.map((o) => (o instanceof Error ? o.message : o))).toEqual(["down", "down"]);
  });

  it("drops exactly the entries whose tags are invalidated", async () => {
    const { cache, read, invalidation } = setup();
    const v = vendor();
    await cache.batch(read(v), ["a", "b"]);
    v.bump();
    invalidation.invalidate(["sofar:acct:a"]);
    expect(await cache.batch(read(v), ["a", "b"])).toEqual(["a@v2", "b@v1"]);
    expect(v.calls).toEqual([["a", "b"], ["a"]]);
  });

  it("does not store an answer whose key was invalidated while the call was out (it may predate the change)", async () => {
    const { cache, read, invalidation } = setup();
    const v = vendor({ delayMs: 30 });
    const first = cache.batch(read(v), ["a"]);
    await new Promise((r) => setTimeout(r, 5));
    v.bump(); // the change lands at the vendor after the call read v1...
    invalidation.invalidate(["sofar:acct:a"]); // ...and is announced while the call is still out
    expect(await first).toEqual(["a@v1"]);
    expect(await cache.batch(read(v), ["a"])).toEqual(["a@v2"]);
    expect(v.calls).toEqual([["a"], ["a"]]);
  });

  it("does not let a request join a call that started before an invalidation", async () => {
    const { cache, read, invalidation } = setup();
    const v = vendor({ delayMs: 30 });
    const before = cache.batch(read(v), ["a"]);
    await new Promise((r) => setTimeout(r, 5));
    v.bump();
    invalidation.invalidate(["something:else"]); // not a's tag: but a joiner cannot know its tags beforehand
    const after = cache.batch(read(v), ["a"]);
    expect(await before).toEqual(["a@v1"]);
    expect(await after).toEqual(["a@v2"]);
    expect(v.calls).toEqual([["a"], ["a"]]);
  });

  it("serves a stale answer at once and refreshes it with one background call (stale-while-revalidate)", async () => {
    const { cache, read } = setup({ ttlMs: 40, staleMs: 60_000 });
    const v = vendor();
    await cache.batch(read(v), ["a"]);
    await new Promise((r) => setTimeout(r, 50));
    v.bump();
    const stale = await Promise.all([cache.batch(read(v), ["a"]), cache.batch(read(v), ["a"]), cache.batch(read(v), ["a"])]);
    expect(stale).toEqual([["a@v1"], ["a@v1"], ["a@v1"]]);
    expect(cache.counts.refreshes).toBe(1);
    await until(() => v.calls.length === 2);
    await new Promise((r) => setImmediate(r)); // the refresh's answer is stored, fresh for another 40 ms
    expect(await cache.batch(read(v), ["a"])).toEqual(["a@v2"]);
    expect(v.calls).toEqual([["a"], ["a"]]);
  });

  it("stops serving an answer once its stale period is over", async () => {
    const { cache, read } = setup({ ttlMs: 10, staleMs: 10 });
    const v = vendor();
    await cache.batch(read(v), ["a"]);
    v.bump();
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.batch(read(v), ["a"])).toEqual(["a@v2"]);
  });

  it("calls the vendor every time for a source whose ttl is 0", async () => {
    const { cache, read } = setup({ ttlMs: 0, staleMs: 0 });
    const v = vendor();
    await cache.batch(read(v), ["a"]);
    await cache.batch(read(v), ["a"]);
    expect(v.calls).toEqual([["a"], ["a"]]);
  });

  it("stays within its bound, dropping the least recently used first", async () => {
    const { cache, read } = setup(undefined, 2);
    const v = vendor();
    await cache.batch(read(v), ["a", "b"]);
    await cache.batch(read(v), ["a"]); // a is now more recent than b
    await cache.batch(read(v), ["c"]); // evicts b
    await cache.batch(read(v), ["a", "b"]);
    expect(v.calls).toEqual([["a", "b"], ["c"], ["b"]]);
  });
});
