import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { scrape } from "../observability/scrape.js";
import { useTestGateway } from "../support/gateway.js";
import { Admission } from "../../src/server/admission.js";

describe("Admission: the queue itself", () => {
  it("admits up to maxOperations at once, then hands each freed slot to the longest waiting, in order", async () => {
    const admission = new Admission({ maxOperations: 2, maxQueued: 10, maxWaitMs: 10_000 });
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(true);
    expect(admission.tryEnter()).toBe(false);
    const order: number[] = [];
    const waits = [1, 2, 3].map((n) => admission.wait().then((outcome) => (order.push(n), outcome)));
    expect(admission.load).toEqual({ running: 2, queued: 3 });
    admission.leave();
    await sleep(0);
    expect(order).toEqual([1]);
    admission.leave();
    admission.leave();
    expect(await Promise.all(waits)).toEqual([undefined, undefined, undefined]);
    expect(order).toEqual([1, 2, 3]);
    expect(admission.load).toEqual({ running: 2, queued: 0 });
    // Nobody waits now, so a free slot is taken at once again.
    admission.leave();
    expect(admission.tryEnter()).toBe(true);
  });

  it("does not let a newcomer pass those already waiting", async () => {
    const admission = new Admission({ maxOperations: 1, maxQueued: 10, maxWaitMs: 10_000 });
    expect(admission.tryEnter()).toBe(true);
    const waiting = admission.wait();
    admission.leave();
    // The slot went to the waiting one, so the newcomer has to wait too.
    expect(admission.tryEnter()).toBe(false);
    expect(await waiting).toBeUndefined();
  });

  it("refuses at once when maxQueued are waiting, and counts it", async () => {
    const admission = new Admission({ maxOperations: 1, maxQueued: 1, maxWaitMs: 10_000 });
    admission.tryEnter();
    const waiting = admission.wait();
    expect(await admission.wait()).toBe("queue full");
    expect(admission.refusals).toEqual({ "queue full": 1, "waited too long": 0 });
    admission.leave();
    expect(await waiting).toBeUndefined();
  });

  it("refuses one that waited maxWaitMs, and it leaves the queue", async () => {
    const admission = new Admission({ maxOperations: 1, maxQueued: 5, maxWaitMs: 50 });
    admission.tryEnter();
    expect(await admission.wait()).toBe("waited too long");
    expect(admission.load).toEqual({ running: 1, queued: 0 });
    expect(admission.refusals["waited too long"]).toBe(1);
  });

  it("drops one whose client hung up, without counting a refusal, and the slot goes to the next", async () => {
    const admission = new Admission({ maxOperations: 1, maxQueued: 5, maxWaitMs: 10_000 });
    admission.tryEnter();
    const hangUp = new AbortController();
    const gone = admission.wait(hangUp.signal);
    const next = admission.wait();
    hangUp.abort();
    expect(await gone).toBe("client gone");
    admission.leave();
    expect(await next).toBeUndefined();
    expect(admission.refusals).toEqual({ "queue full": 0, "waited too long": 0 });
    expect(admission.load).toEqual({ running: 1, queued: 0 });
  });
});

describe("admission control in front of a real gateway (server.admission)", () => {
  const t = useTestGateway({
    serverOverrides: { admission: { maxOperations: 1, maxQueued: 1, maxWaitMs: 5_000 } },
    cache: { enabled: false },
  });
  const slowQuery = '{ licenseByKey(source: "cryptolens", key: "SLOW") { id } }';

  const post = (query: string) =>
    fetch(t.gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });

  it("runs one operation, queues the next, refuses the third at once with SERVER_BUSY (503, Retry-After); nothing of it ran", async () => {
    t.vendors.cryptolens.setLatency(400);
    try {
      const first = post(slowQuery);
      while (t.vendors.cryptolens.calls.count({ server: "api" }) === 0) await sleep(10);
      const second = post(slowQuery);
      // The second is queued once the gateway has read it: wait until the metrics say so.
      await expect.poll(async () => (await metric("license_gateway_admission_operations", { state: "queued" })) ?? 0).toBe(1);
      const callsBefore = t.vendors.cryptolens.calls.count({ server: "api" });
      const third = await post(slowQuery);
      expect(third.status).toBe(503);
      expect(third.headers.get("retry-after")).toBe("1");
      const body = (await third.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0]!.extensions).toEqual({ code: "SERVER_BUSY" });
      expect(body.errors[0]!.message).toMatch(/queue is full/);
      expect(t.vendors.cryptolens.calls.count({ server: "api" })).toBe(callsBefore);
      // The queued one ran once the first finished.
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      expect(await metric("license_gateway_admission_refusals_total", { reason: "queue_full" })).toBe(1);
    } finally {
      t.vendors.cryptolens.setLatency(0);
    }
  });

  it("never holds back what is refused before execution: a parse error gets its own answer while the queue is full", async () => {
    t.vendors.cryptolens.setLatency(400);
    try {
      const running = post(slowQuery);
      while ((await metric("license_gateway_admission_operations", { state: "running" })) !== 1) await sleep(10);
      const queued = post(slowQuery);
      await expect.poll(async () => (await metric("license_gateway_admission_operations", { state: "queued" })) ?? 0).toBe(1);
      // The queue is full, yet a request refused before execution gets its own error, not SERVER_BUSY.
      const unparsable = await post("{ unclosed");
      expect(unparsable.status).toBe(400);
      expect(((await unparsable.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe(
        "GRAPHQL_PARSE_FAILED",
      );
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    } finally {
      t.vendors.cryptolens.setLatency(0);
    }
  });

  /** One series' value, read from /metrics as Prometheus reads it; undefined when absent. */
  const metric = async (name: string, labels: Record<string, string>) => (await scrape(t.gateway.url)).value(name, labels);
});
