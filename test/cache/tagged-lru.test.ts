import { describe, expect, it } from "vitest";
import { TaggedLru } from "../../src/cache/tagged-lru.js";

const entry = (value: string, tags: string[], size = 1, ttl = 60_000) => ({
  value,
  tags,
  freshUntil: Date.now() + ttl,
  staleUntil: Date.now() + ttl,
  size,
});

describe("TaggedLru", () => {
  it("bounds total size, dropping the least recently used", () => {
    const lru = new TaggedLru<string>({ maxBytes: 10 });
    lru.set("a", entry("A", [], 4));
    lru.set("b", entry("B", [], 4));
    lru.get("a");
    lru.set("c", entry("C", [], 4));
    expect(lru.get("a")?.value).toBe("A");
    expect(lru.get("b")).toBeUndefined();
    expect(lru.counts()).toMatchObject({ entries: 2, size: 8, evictions: 1 });
  });

  it("refuses an entry larger than the whole cache instead of emptying it", () => {
    const lru = new TaggedLru<string>({ maxBytes: 10 });
    lru.set("a", entry("A", [], 4));
    lru.set("huge", entry("H", [], 11));
    expect(lru.get("huge")).toBeUndefined();
    expect(lru.get("a")?.value).toBe("A");
  });

  it("invalidates by tag and forgets the tag index of removed entries", () => {
    const lru = new TaggedLru<string>({ maxEntries: 10 });
    lru.set("a", entry("A", ["t1", "t2"]));
    lru.set("b", entry("B", ["t2"]));
    lru.set("c", entry("C", ["t3"]));
    lru.invalidate(["t2"]);
    expect([lru.get("a"), lru.get("b"), lru.get("c")?.value]).toEqual([undefined, undefined, "C"]);
    lru.set("a", entry("A2", ["t4"]));
    lru.invalidate(["t1"]); // a's old tag: the new a must survive
    expect(lru.get("a")?.value).toBe("A2");
  });

  it("drops an entry whose stale period has passed when it is met", () => {
    const lru = new TaggedLru<string>({ maxEntries: 10 });
    lru.set("a", { value: "A", tags: [], freshUntil: Date.now() - 2, staleUntil: Date.now() - 1, size: 1 });
    expect(lru.get("a")).toBeUndefined();
    expect(lru.counts().entries).toBe(0);
  });
});
