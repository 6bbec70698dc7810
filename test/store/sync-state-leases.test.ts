import { describe, expect, it } from "vitest";
import { bindStore } from "../../src/store/store.js";
import { engines, unique, useEngine } from "./engines.js";

const T0 = new Date("2026-01-01T00:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines)("sync state on $name", (engine) => {
  const ctx = useEngine(engine);

  it("records starts, successes and failures, counting failures since the last success", async () => {
    const source = unique("src");
    expect(await ctx.store.syncState.get(source)).toBeNull();
    await ctx.store.syncState.recordStart(source, T0);
    expect(await ctx.store.syncState.get(source)).toEqual({
      source,
      lastStartedAt: T0,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastErrorCode: null,
      consecutiveFailures: 0,
      lastDurationMs: null,
      accounts: 0,
      licenses: 0,
    });
    await ctx.store.syncState.recordFailure(source, { at: later(1), code: "UPSTREAM_TIMEOUT" });
    await ctx.store.syncState.recordFailure(source, { at: later(2), code: "UPSTREAM_UNAVAILABLE" });
    expect(await ctx.store.syncState.get(source)).toMatchObject({
      lastErrorAt: later(2),
      lastErrorCode: "UPSTREAM_UNAVAILABLE",
      consecutiveFailures: 2,
      lastSuccessAt: null,
    });
    await ctx.store.syncState.recordStart(source, later(3));
    await ctx.store.syncState.recordSuccess(source, { at: later(4), durationMs: 1234.4, accounts: 3, licenses: 17 });
    expect(await ctx.store.syncState.get(source)).toEqual({
      source,
      lastStartedAt: later(3),
      lastSuccessAt: later(4),
      lastErrorAt: later(2),
      lastErrorCode: "UPSTREAM_UNAVAILABLE",
      consecutiveFailures: 0,
      lastDurationMs: 1234,
      accounts: 3,
      licenses: 17,
    });
    await ctx.store.syncState.recordFailure(source, { at: later(5), code: "UPSTREAM_BAD_RESPONSE" });
    expect(await ctx.store.syncState.get(source)).toMatchObject({ consecutiveFailures: 1, lastSuccessAt: later(4) });
  });

  it("makes a row on any first record, and lists every source's by source", async () => {
    const [a, b] = [unique("a"), unique("b")].sort();
    await ctx.store.syncState.recordFailure(b!, { at: T0, code: "UPSTREAM_TIMEOUT" });
    await ctx.store.syncState.recordSuccess(a!, { at: T0, durationMs: 5, accounts: 1, licenses: 2 });
    const all = (await ctx.store.syncState.all()).filter((s) => s.source === a || s.source === b);
    expect(all).toMatchObject([
      { source: a, consecutiveFailures: 0, accounts: 1, licenses: 2, lastStartedAt: null },
      { source: b, consecutiveFailures: 1, lastSuccessAt: null, accounts: 0 },
    ]);
  });
});

describe.each(engines)("leases on $name", (engine) => {
  const ctx = useEngine(engine);

  it("takes a free lease, renews its own, refuses another holder until it expires or is released", async () => {
    const name = unique("sync");
    expect(await ctx.store.leases.tryAcquire(name, "replica-a", 60_000)).toBe(true);
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(false);
    expect(await ctx.store.leases.tryAcquire(name, "replica-a", 60_000)).toBe(true);
    // Releasing someone else's lease does nothing.
    await ctx.store.leases.release(name, "replica-b");
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(false);
    await ctx.store.leases.release(name, "replica-a");
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(true);
    // Another name is another lease.
    expect(await ctx.store.leases.tryAcquire(unique("other"), "replica-a", 60_000)).toBe(true);
  });

  it("lets another holder take an expired lease, after which the first one no longer holds it", async () => {
    const name = unique("sync");
    expect(await ctx.store.leases.tryAcquire(name, "replica-a", 50)).toBe(true);
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(false);
    await sleep(120);
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(true);
    expect(await ctx.store.leases.tryAcquire(name, "replica-a", 60_000)).toBe(false);
    // Renewal extends: a short lease renewed with a long one stays held.
    expect(await ctx.store.leases.tryAcquire(name, "replica-b", 60_000)).toBe(true);
  });

  it("refuses a ttl that is not positive", async () => {
    await expect(ctx.store.leases.tryAcquire(unique("x"), "a", 0)).rejects.toThrow(/positive ttlMs/);
  });

  it.runIf(engine.name === "postgres")("gives a lease to exactly one of two connections racing for it, free or expired", async () => {
    const [a, b] = [ctx.store, bindStore(await ctx.connect())];
    for (let round = 0; round < 20; round++) {
      const name = unique("race");
      const won = await Promise.all([a.leases.tryAcquire(name, "replica-a", 60_000), b.leases.tryAcquire(name, "replica-b", 60_000)]);
      expect(won.filter(Boolean)).toHaveLength(1);
      // Each renews its own only.
      expect(await a.leases.tryAcquire(name, "replica-a", 60_000)).toBe(won[0]);
      expect(await b.leases.tryAcquire(name, "replica-b", 60_000)).toBe(won[1]);
    }
    // Expired: both race for it again, with a third, the old holder, among them.
    const name = unique("race-expired");
    expect(await a.leases.tryAcquire(name, "replica-old", 30)).toBe(true);
    await sleep(80);
    const c = bindStore(await ctx.connect());
    const won = await Promise.all([
      a.leases.tryAcquire(name, "replica-a", 60_000),
      b.leases.tryAcquire(name, "replica-b", 60_000),
      c.leases.tryAcquire(name, "replica-c", 60_000),
    ]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await a.leases.tryAcquire(name, "replica-old", 60_000)).toBe(false);
  });
});
