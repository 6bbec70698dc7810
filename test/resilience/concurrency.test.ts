import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { operationScope, runInOperation } from "../../src/domain/operation-context.js";
import { ConcurrencyLimit } from "../../src/sources/resilience/concurrency-limit.js";
import { clientFor, closeClients, ok, rejectionOf, settings, useScriptedServer } from "./support.js";

const server = useScriptedServer();
afterEach(closeClients);

describe("the concurrency limit", () => {
  it("never has more than maxConcurrent calls in flight to a source; the rest wait their turn and succeed", async () => {
    const { client } = clientFor(server, settings({ maxConcurrent: 3 }));
    server.handle(async (_req, res) => {
      await sleep(50);
      ok(res);
    });
    const results = await Promise.all(Array.from({ length: 12 }, () => client.send({ method: "GET", path: "/read" })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(server.peak).toBe(3);
    expect(server.hits).toBe(12);
  });

  it("a call that cannot get a slot within its timeout is UPSTREAM_TIMEOUT without being sent", async () => {
    const { client } = clientFor(server, settings({ maxConcurrent: 1, retries: 0 }));
    server.handle(() => undefined); // the first call holds the only slot until its own timeout, after the second's
    const [first, second] = await Promise.all([
      rejectionOf(client.send({ method: "GET", path: "/a", timeoutMs: 600 })),
      rejectionOf(client.send({ method: "GET", path: "/b", timeoutMs: 200 })),
    ]);
    expect(first.code).toBe("UPSTREAM_TIMEOUT");
    expect(second).toMatchObject({ code: "UPSTREAM_TIMEOUT", source: "test-src" });
    expect(second.message).toContain("was not sent");
    expect(server.hits).toBe(1);
  });

  it("the wait in line ends with the operation's deadline", async () => {
    const { client } = clientFor(server, settings({ maxConcurrent: 1, retries: 0 }), 5_000);
    server.handle(() => undefined);
    const started = Date.now();
    await runInOperation(operationScope(250), () =>
      Promise.allSettled([client.send({ method: "GET", path: "/a" }), client.send({ method: "GET", path: "/b" })]),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("ConcurrencyLimit", () => {
  it("hands slots over in arrival order and forgets an aborted waiter", async () => {
    const limit = new ConcurrencyLimit(1);
    const never = new AbortController().signal;
    const release = await limit.acquire(never);
    const order: string[] = [];
    const gone = new AbortController();
    const a = limit.acquire(never).then((r) => (order.push("a"), r));
    const b = limit.acquire(gone.signal).then(
      () => order.push("b"),
      () => order.push("b aborted"),
    );
    const c = limit.acquire(never).then((r) => (order.push("c"), r));
    expect(limit.waiting).toBe(3);
    gone.abort();
    await b;
    release();
    (await a)();
    (await c)();
    expect(order).toEqual(["b aborted", "a", "c"]);
    expect(limit.inFlight).toBe(0);
  });

  it("tryAcquire takes a free slot at once and, with none free, queues nothing", async () => {
    const limit = new ConcurrencyLimit(1);
    const release = limit.tryAcquire();
    expect(release).toBeTypeOf("function");
    expect(limit.tryAcquire()).toBeUndefined();
    expect([limit.inFlight, limit.waiting]).toEqual([1, 0]);
    release!();
    expect(limit.inFlight).toBe(0);
  });

  it("a second release of the same slot frees nothing", async () => {
    const limit = new ConcurrencyLimit(2);
    const never = new AbortController().signal;
    const release = await limit.acquire(never);
    await limit.acquire(never);
    release();
    release();
    expect(limit.inFlight).toBe(1);
  });
});
