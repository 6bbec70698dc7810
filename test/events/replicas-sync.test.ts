import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { testServices } from "../support/gateway.js";
import { RawEventStream, SUBSCRIBE } from "../server/sse-support.js";

/**
 * Issue 16's "a subscriber on one replica of three receives a change detected by another", with the detection
 * itself: three gateways with the sync on, over one PostgreSQL, one Redis and the demo's simulators; replica 1 syncs
 * Cryptolens (and holds its lease), a key is blocked at the simulator behind every replica's back, replica 1's next
 * run detects it, and an SSE subscriber on replica 3 receives the BLOCKED event, once. Needs DATABASE_URL and REDIS_URL.
 */
const missing = !process.env.DATABASE_URL || !process.env.REDIS_URL;

describe.skipIf(missing)("a change detected by replica 1's sync reaches a subscriber on replica 3", { timeout: 60_000 }, () => {
  const services = testServices();
  const replicas: Gateway[] = [];
  let vendors: DemoVendors;

  beforeAll(async () => {
    vendors = await startDemoVendors();
    const config = configSchema.parse({
      server: { host: "127.0.0.1", port: 0, shutdownGraceMs: 1_000 },
      store: services.store,
      cache: services.cache,
      sources: vendors.sources,
      auth: { mode: "off" },
      // A day: the loops never run by themselves during the test; replica 1's runNow does the syncing.
      sync: { enabled: true, intervalMs: 86_400_000 },
      // Longer than the test: what replica 3 delivers came through Redis.
      subscriptions: { catchUpIntervalMs: 60_000 },
    });
    for (let i = 0; i < 3; i++)
      replicas.push(await startGateway({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) }));
    await seedDemo(replicas[0]!.store);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await vendors?.close();
    await services.cleanUp();
  });

  it("replica 1 detects a key blocked at Cryptolens; replica 3's subscriber gets BLOCKED once; replica 2 is refused the source meanwhile", async () => {
    const [one, two, three] = replicas as [Gateway, Gateway, Gateway];
    expect(await one.sync!.runNow("cryptolens")).toMatchObject({ ok: true });
    // Replica 1 holds the source's lease: replica 2 is refused a run while it does.
    expect(await two.sync!.runNow("cryptolens")).toBeNull();
    const from = await one.store.licenseEvents.latestCursor();
    const active = (await one.store.licenseIndex.page({ sources: ["cryptolens"], status: ["ACTIVE"] }, 1)).rows[0]!;
    const stream = await RawEventStream.open(three.url, { query: SUBSCRIBE, variables: { after: String(from) } });
    try {
      await stream.until((s) => s.comments >= 1);
      expect(vendors.cryptolens.changeLicense(active.externalId, { kind: "block" })).toEqual({ ok: true });
      const run = await one.sync!.runNow("cryptolens");
      expect(run).toMatchObject({ ok: true, events: 1 });
      await stream.until((s) => s.results.length >= 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(stream.results.map((r) => [r.data.licenseEvents.type, r.data.licenseEvents.licenseId])).toEqual([
        ["BLOCKED", `cryptolens:${active.externalId}`],
      ]);
    } finally {
      await stream.close();
    }
  });
});
