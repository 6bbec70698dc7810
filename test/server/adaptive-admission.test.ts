import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { scrape } from "../observability/scrape.js";
import { useTestGateway } from "../support/gateway.js";
import { Admission } from "../../src/server/admission.js";
import { nextLimit } from "../../src/server/saturation-limit.js";

const options = { min: 4, max: 256, targetUtilization: 0.95 };

describe("nextLimit: the adaptive limit's rule", () => {
  it("falls to 95% of what runs while the event loop is saturated by more than min operations, never below min", () => {
    expect(nextLimit(256, { utilization: 0.99, running: 100, queued: 0 }, options)).toBe(95);
    expect(nextLimit(95, { utilization: 0.96, running: 95, queued: 40 }, options)).toBe(90);
    // Not raised by a saturated loop whose operations are fewer than the limit times 0.95 would allow.
    expect(nextLimit(10, { utilization: 1, running: 40, queued: 0 }, options)).toBe(10);
    expect(nextLimit(5, { utilization: 1, running: 5, queued: 9 }, options)).toBe(4);
    expect(nextLimit(4, { utilization: 1, running: 4, queued: 9 }, options)).toBe(4);
    expect(nextLimit(4, { utilization: 1, running: 0, queued: 0 }, options)).toBe(4);
  });

  it("is not cut for a loop that something else keeps busy: no more than min operations run (start-up, the sync, cached answers)", () => {
    expect(nextLimit(256, { utilization: 1, running: 0, queued: 0 }, options)).toBe(256);
    expect(nextLimit(256, { utilization: 1, running: 4, queued: 0 }, options)).toBe(256);
  });

  it("rises by a tenth (at least one) while the loop has room and operations wait, up to max", () => {
    expect(nextLimit(4, { utilization: 0.5, running: 4, queued: 3 }, options)).toBe(5);
    expect(nextLimit(40, { utilization: 0.94, running: 40, queued: 1 }, options)).toBe(44);
    expect(nextLimit(250, { utilization: 0.2, running: 250, queued: 100 }, options)).toBe(256);
  });

  it("stays while the loop has room and nobody waits: a limit is only raised on evidence that it binds", () => {
    expect(nextLimit(8, { utilization: 0.3, running: 8, queued: 0 }, options)).toBe(8);
    expect(nextLimit(256, { utilization: 0, running: 0, queued: 0 }, options)).toBe(256);
  });
});

describe("Admission with a moving limit", () => {
  it("a raise admits as many waiting operations as it makes room for, in order", async () => {
    const admission = new Admission({ maxOperations: 10, maxQueued: 10, maxWaitMs: 10_000 });
    admission.setLimit(1);
    expect(admission.tryEnter()).toBe(true);
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => admission.wait().then(() => order.push(n)));
    admission.setLimit(3);
    await sleep(0);
    expect(order).toEqual([1, 2]);
    expect(admission.load).toEqual({ running: 3, queued: 1 });
    admission.setLimit(100);
    expect(admission.limit).toBe(10);
    await Promise.all(waits);
    expect(order).toEqual([1, 2, 3]);
  });

  it("a cut lets the running finish: freed slots go to waiting operations only once running is under the limit", async () => {
    const admission = new Admission({ maxOperations: 3, maxQueued: 10, maxWaitMs: 10_000 });
    for (let i = 0; i < 3; i++) expect(admission.tryEnter()).toBe(true);
    let admitted = false;
    const waiting = admission.wait().then(() => (admitted = true));
    admission.setLimit(1);
    admission.leave();
    admission.leave();
    await sleep(0);
    expect(admitted).toBe(false);
    expect(admission.load).toEqual({ running: 1, queued: 1 });
    admission.leave();
    await waiting;
    expect(admission.load).toEqual({ running: 1, queued: 0 });
  });
});

describe("the adaptive limit in a real gateway (server.admission.adaptive)", () => {
  const t = useTestGateway({
    serverOverrides: { admission: { maxOperations: 64, adaptive: { minOperations: 2, targetUtilization: 0.9, intervalMs: 50 } } },
    cache: { enabled: false },
  });
  const slowQuery = '{ licenseByKey(source: "cryptolens", key: "SLOW") { id } }';

  const post = (query: string) =>
    fetch(t.gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });

  it("admits fewer while the event loop is saturated, and more again once it has room and operations wait", async () => {
    expect(await metric("license_gateway_admission_limit")).toBe(64);
    // The gateway shares this process' event loop: keep it busy 49 ms of every 50 while operations run against a
    // slow vendor, so the loop is saturated whatever they cost.
    t.vendors.cryptolens.setLatency(300);
    let burning = true;
    const burner = (async () => {
      while (burning) {
        const until = performance.now() + 49;
        while (performance.now() < until);
        await sleep(1);
      }
    })();
    const first = Array.from({ length: 8 }, () => post(slowQuery));
    try {
      await expect.poll(() => metric("license_gateway_admission_limit"), { timeout: 10_000, interval: 100 }).toBe(2);
    } finally {
      burning = false;
      await burner;
    }
    for (const res of await Promise.all(first)) expect(res.status).toBe(200);

    // The loop has room now; a burst of slow operations queues behind the limit of 2, so it rises.
    const burst = Array.from({ length: 30 }, () => post(slowQuery));
    await expect.poll(() => metric("license_gateway_admission_limit"), { timeout: 10_000, interval: 50 }).toBeGreaterThan(8);
    for (const res of await Promise.all(burst)) expect(res.status).toBe(200);
    t.vendors.cryptolens.setLatency(0);
  });

  /** The gauge's value, read from /metrics as Prometheus reads it; undefined when absent. */
  const metric = async (name: string) => (await scrape(t.gateway.url)).value(name);
});
