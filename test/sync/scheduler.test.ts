import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema, type GatewayConfig } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { createSources } from "../../src/sources/create.js";
import type { LicenseSource } from "../../src/sources/source.js";
import { openStore, type Store } from "../../src/store/store.js";
import { nextSyncDelayMs, SyncScheduler } from "../../src/sync/scheduler.js";

describe("nextSyncDelayMs", () => {
  const config = { jitter: 0.1, maxBackoffMs: 60_000 };

  it("is the interval ± the jitter while the source succeeds", () => {
    expect(nextSyncDelayMs(10_000, 0, config, 0)).toBe(9_000);
    expect(nextSyncDelayMs(10_000, 0, config, 0.5)).toBe(10_000);
    expect(nextSyncDelayMs(10_000, 0, config, 0.999999)).toBe(11_000);
  });

  it("doubles per failure in a row, up to maxBackoffMs", () => {
    expect([1, 2, 3, 4, 10, 100].map((failures) => nextSyncDelayMs(10_000, failures, config, 0.5))).toEqual([
      20_000, 40_000, 60_000, 60_000, 60_000, 60_000,
    ]);
  });

  it("never waits less than the interval for a failing source, whatever maxBackoffMs says", () => {
    expect(nextSyncDelayMs(120_000, 3, config, 0.5)).toBe(120_000);
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
    await expect.poll(() => events.length, { timeout: 3_000 }).toBeGreaterThan(0);
    expect(events.every((e) => e.type === "APPEARED")).toBe(true);
    // A second run, about an interval later, finds nothing new.
    const startedAt = async () => (await store.syncState.get("cryptolens"))?.lastStartedAt?.getTime() ?? 0;
    const first = await startedAt();
    await expect.poll(startedAt, { timeout: 3_000 }).toBeGreaterThan(first + 800);
    await scheduler.close();
    const calls = vendors.cryptolens.calls.count({ server: "api" });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(vendors.cryptolens.calls.count({ server: "api" })).toBe(calls);
    expect(events.every((e) => e.type === "APPEARED")).toBe(true);
  });

  it("close() waits for the run in flight, which stops without writing what it had not finished", async () => {
    const scheduler = new SyncScheduler({ store, sources, config: config.sync, holder: "closer" });
    const before = await store.syncState.get("cryptolens");
    vendors.cryptolens.setLatency(2_000);
    try {
      const running = scheduler.runNow("cryptolens");
      await expect.poll(() => vendors.cryptolens.calls.count({ server: "api" }), { timeout: 2_000 }).toBeGreaterThan(0);
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
