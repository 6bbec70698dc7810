import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema, type GatewayConfig } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { createSources } from "../../src/sources/create.js";
import type { LicenseSource } from "../../src/sources/source.js";
import { openStore, type Store } from "../../src/store/store.js";
import { backingOff, backoffMs, jittered, SyncScheduler } from "../../src/sync/scheduler.js";

describe("the scheduler's waits", () => {
  it("ticks an interval ± the jitter apart", () => {
    expect(jittered(10_000, 0.1, 0)).toBe(9_000);
    expect(jittered(10_000, 0.1, 0.5)).toBe(10_000);
    expect(jittered(10_000, 0.1, 0.999999)).toBe(11_000);
  });

  it("backs off a failing source: the interval doubled per failure in a row, up to maxBackoffMs, never below the interval", () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((failures) => backoffMs(10_000, failures, 60_000))).toEqual([
      0, 20_000, 40_000, 60_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffMs(120_000, 3, 60_000)).toBe(120_000);
  });

  it("runs again at the first tick past the backoff since the last failure, as the store recorded it", () => {
    const failedAt = new Date("2026-06-01T12:00:00Z");
    const state = (consecutiveFailures: number) => ({
      source: "sofar",
      lastStartedAt: failedAt,
      lastSuccessAt: null,
      lastErrorAt: failedAt,
      lastErrorCode: "UPSTREAM_UNAVAILABLE",
      consecutiveFailures,
      lastDurationMs: 10,
      accounts: 0,
      licenses: 0,
    });
    const at = (ms: number) => failedAt.getTime() + ms;
    expect(backingOff(null, 10_000, 60_000, at(0))).toBe(false);
    expect(backingOff(state(0), 10_000, 60_000, at(0))).toBe(false);
    // One failure: 20 s. The tick 10 s later waits, the one 20 s later (give or take the jitter) runs.
    expect(backingOff(state(1), 10_000, 60_000, at(10_000))).toBe(true);
    expect(backingOff(state(1), 10_000, 60_000, at(19_000))).toBe(false);
    // Three: 60 s, the cap.
    expect(backingOff(state(3), 10_000, 60_000, at(50_000))).toBe(true);
    expect(backingOff(state(3), 10_000, 60_000, at(59_000))).toBe(false);
    expect(backingOff(state(9), 10_000, 60_000, at(59_000))).toBe(false);
  });
});

describe("SyncScheduler's loop", () => {
  let vendors: DemoVendors;
  let store: Store;
  let sources: LicenseSource[];
  let config: GatewayConfig;

  beforeAll(async () => {
    vendors = await startDemoVendors();
    config = configSchema.parse({
      sources: { cryptolens: { ...vendors.sources.cryptolens, timeoutMs: 5_000, resilience: { retries: 0 } } },
      sync: { enabled: true, intervalMs: 1_000, jitter: 0 },
    });
    store = await openStore("memory://");
    sources = createSources(config.sources, store);
    await seedDemo(store);
  });

  afterAll(async () => {
    await Promise.all(sources?.map((s) => s.close()) ?? []);
    await store?.close();
    await vendors?.close();
  });

  it("syncs on its own once started, and stops calling the vendor once closed", async () => {
    const events: LicenseEvent[] = [];
    const scheduler = new SyncScheduler({ store, sources, config: config.sync, holder: "loop", random: () => 0 });
    scheduler.onEvents((batch) => events.push(...batch));
    vendors.cryptolens.calls.reset();
    scheduler.start();
    await expect.poll(() => events.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(events.every((e) => e.type === "APPEARED")).toBe(true);
    // A second run, about an interval later, finds nothing new.
    await expect.poll(() => scheduler.stats()[0]!.runs.ok, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await scheduler.close();
    const [stats] = scheduler.stats();
    expect(stats).toMatchObject({ source: "cryptolens", runs: { failed: 0 }, events: { APPEARED: events.length } });
    expect(stats!.runs.ok).toBeGreaterThanOrEqual(2);
    expect(stats!.lastSuccessAt).toBeInstanceOf(Date);
    const calls = vendors.cryptolens.calls.count({ server: "api" });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(vendors.cryptolens.calls.count({ server: "api" })).toBe(calls);
    expect(events.every((e) => e.type === "APPEARED")).toBe(true);
  });

  it("backs off while the vendor fails: a tick within the backoff calls nobody; the run after it does", async () => {
    const scheduler = new SyncScheduler({ store, sources, config: config.sync, holder: "backoff", random: () => 0 });
    vendors.cryptolens.fault({ server: "api", kind: "status", status: 503 });
    vendors.cryptolens.calls.reset();
    try {
      scheduler.start(); // first run at once (random 0), then a tick every second (jitter 0)
      // One failure: 2 s of backoff, so the tick at 1 s renews the lease and calls nobody; the one at 2 s runs (and
      // fails again: 4 s next).
      await expect.poll(async () => (await store.syncState.get("cryptolens"))?.consecutiveFailures, { timeout: 10_000 }).toBe(2);
      const calls = vendors.cryptolens.calls.list();
      const accounts = (await store.customers.accountsAtSource("cryptolens")).length;
      expect(calls.length).toBe(2 * accounts);
      const [first, second] = [calls[0]!.at, calls[accounts]!.at];
      // Timers only run late: the second run came no earlier than the backoff allows (2 s, less half a tick).
      expect(second - first).toBeGreaterThanOrEqual(1_500);
    } finally {
      vendors.cryptolens.clearFaults();
      await scheduler.close();
    }
    // Recovered: a forced run succeeds and the count starts again.
    const again = new SyncScheduler({ store, sources, config: config.sync, holder: "backoff" });
    expect(await again.runNow("cryptolens")).toMatchObject({ ok: true });
    expect((await store.syncState.get("cryptolens"))?.consecutiveFailures).toBe(0);
    await again.close();
  });

  it("close() waits for the run in flight, which stops without writing what it had not finished", async () => {
    const scheduler = new SyncScheduler({ store, sources, config: config.sync, holder: "closer" });
    const before = await store.syncState.get("cryptolens");
    vendors.cryptolens.setLatency(2_000);
    try {
      const running = scheduler.runNow("cryptolens");
      await expect.poll(() => vendors.cryptolens.calls.count({ server: "api" }), { timeout: 8_000 }).toBeGreaterThan(0);
      const started = Date.now();
      await scheduler.close();
      // The vendor calls in flight were aborted rather than waited for.
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(await running).toMatchObject({ stopped: true, ok: false });
      const after = await store.syncState.get("cryptolens");
      // Started, but neither a success nor a failure recorded: it was stopped, not failed.
      expect(after?.lastSuccessAt).toEqual(before?.lastSuccessAt);
      expect(after?.consecutiveFailures).toBe(before?.consecutiveFailures);
      expect(await scheduler.runNow("cryptolens")).toBeNull();
    } finally {
      vendors.cryptolens.setLatency(0);
    }
  });
});
