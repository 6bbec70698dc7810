import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { captureLogs } from "./log-capture.js";

/**
 * The end of the grace period, in-process: an operation slower than `server.shutdownGraceMs` is cut off so that
 * shutdown is bounded, and everything the gateway opened is closed after it.
 */
const GRACE_MS = 400;
let vendors: DemoVendors;
let gateway: Gateway;
const logs = captureLogs();

beforeAll(async () => {
  vendors = await startDemoVendors();
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, shutdownGraceMs: GRACE_MS },
    store: { url: "memory://" },
    auth: { mode: "off" },
    sources: vendors.sources,
  });
  gateway = await startGateway({ config, logger: logs.logger });
});

afterAll(async () => {
  await vendors?.close();
});

describe("the shutdown grace period", () => {
  it("cuts off what is still running when it ends, then closes the store", async () => {
    vendors.cryptolens.setLatency(10_000);
    const slow = fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "too-slow" },
      body: JSON.stringify({ query: '{ licenseByKey(source: "cryptolens", key: "SLOW") { id } }' }),
    }).then(
      (res) => ({ status: res.status }),
      (error: Error) => ({ error: error.message }),
    );
    while (vendors.cryptolens.calls.count({ server: "api" }) === 0) await new Promise((resolve) => setTimeout(resolve, 20));

    const started = Date.now();
    await gateway.close();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(took).toBeLessThan(GRACE_MS + 2_000);
    expect(await slow).toEqual({ error: "fetch failed" });
    expect(logs.entries().find((e) => e.msg?.startsWith("shutdown grace period over"))).toMatchObject({ level: 40, cutOff: 1 });
    // The cut-off request is logged as such, with its id, once its handler has noticed.
    await expect
      .poll(() => logs.entries().find((e) => e.requestId === "too-slow" && e.msg?.startsWith("request")))
      .toMatchObject({ status: 499 });
    // Closed after the drain: the store no longer answers.
    await expect(gateway.store.db.query("select 1")).rejects.toThrow();
  });
});
