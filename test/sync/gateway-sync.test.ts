import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import type { LicenseEvent } from "../../src/domain/license-events.js";
import { testServices } from "../support/gateway.js";

describe("the gateway's sync", () => {
  const services = testServices();
  let vendors: DemoVendors;
  let gateway: Gateway;

  beforeAll(async () => {
    vendors = await startDemoVendors();
    const config = configSchema.parse({
      server: { host: "127.0.0.1", port: 0 },
      store: services.store,
      cache: services.cache,
      sources: vendors.sources,
      auth: { mode: "off" },
      // A day: the loop's own first run does not come during the test; runNow does the syncing.
      sync: { enabled: true, intervalMs: 86_400_000 },
    });
    gateway = await startGateway({ config, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }) });
    await seedDemo(gateway.store);
  });

  afterAll(async () => {
    await gateway?.close();
    await vendors?.close();
    await services.cleanUp();
  });

  it("is off unless the config turns it on", () => {
    expect(configSchema.parse({}).sync.enabled).toBe(false);
  });

  it("syncs every vendor source that lists licenses by account, and serves the change through GraphQL at once", async () => {
    expect(gateway.sync!.sourceIds.sort()).toEqual(["cryptolens", "flashstart", "smartgridone", "sofar"]);
    const events: LicenseEvent[] = [];
    gateway.sync!.onEvents((batch) => events.push(...batch));
    const first = await gateway.sync!.runNow("cryptolens");
    expect(first).toMatchObject({ ok: true });
    expect(events.length).toBe(first!.licenses);

    // A license read through GraphQL (and cached), then blocked at the vendor behind the gateway's back.
    const key = vendors.cryptolens.data.keys.find((k) => !k.block && events.some((e) => e.externalId === k.key))!;
    const query = `query($id: ID!) { node(id: $id) { ... on License { status } } }`;
    const read = async () => {
      const res = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables: { id: `cryptolens:${key.key}` } }),
      });
      return ((await res.json()) as { data: { node: { status: string } | null } }).data.node?.status;
    };
    expect(await read()).toBe("ACTIVE");
    key.block = true;
    events.length = 0;
    expect(await gateway.sync!.runNow("cryptolens")).toMatchObject({ ok: true, events: 1 });
    expect(events.map((e) => [e.type, e.externalId])).toEqual([["BLOCKED", key.key]]);
    // The sync dropped what the caches held about it: the client told of the change reads the new state.
    expect(await read()).toBe("BLOCKED");
  });
});
