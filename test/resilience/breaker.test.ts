import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { CircuitOpenError } from "../../src/sources/resilience/breaker.js";
import { clientFor, closeClients, ok, rejectionOf, settings, status, useScriptedServer } from "./support.js";

/** The circuit breaker (opossum inside SourceGuard) through the real HttpClient. */

const server = useScriptedServer();
afterEach(closeClients);

const circuit = { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: 300, rollingWindowMs: 10_000 };

describe("the circuit", () => {
  it("opens after enough failures, then fails fast with UPSTREAM_UNAVAILABLE and no network call", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }));
    server.handle((_req, res) => status(res, 500));
    for (let i = 0; i < 4; i++) await client.send({ method: "GET", path: "/read" });
    expect(guard.snapshot().circuit).toBe("open");
    const hits = server.hits;
    const started = Date.now();
    const error = await rejectionOf(client.send({ method: "GET", path: "/read" }));
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", source: "test-src" });
    expect(error.message).toContain("circuit is open");
    expect(server.hits).toBe(hits);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("timeouts and resets count as failures too", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }), 100);
    server.handle((_req, res, hit) => {
      if (hit % 2 === 0) res.socket?.destroy(); // else never answers
    });
    for (let i = 0; i < 4; i++) await client.send({ method: "GET", path: "/read" }).catch(() => undefined);
    expect(guard.snapshot().circuit).toBe("open");
  });

  it.each([400, 404, 409])("%i answers never open it: the vendor is up", async (code) => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }));
    server.handle((_req, res) => status(res, code));
    for (let i = 0; i < 20; i++) await client.send({ method: "GET", path: "/read" });
    expect(guard.snapshot().circuit).toBe("closed");
    expect(server.hits).toBe(20);
  });

  it("a body over the cap does not open it (a contract problem, not an outage)", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }));
    server.handle((_req, res) => ok(res, { padding: "x".repeat(10_000) }));
    for (let i = 0; i < 10; i++) await client.send({ method: "GET", path: "/read" }).catch(() => undefined);
    expect(guard.snapshot().circuit).toBe("closed");
  });

  it("after resetTimeoutMs lets one probe through; its success closes the circuit", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }));
    server.handle((_req, res) => status(res, 503));
    for (let i = 0; i < 4; i++) await client.send({ method: "GET", path: "/read" });
    expect(guard.snapshot().circuit).toBe("open");
    await sleep(350);
    expect(guard.snapshot().circuit).toBe("half-open");
    // The probe is slow: while it runs, every other call fails fast.
    server.handle(async (_req, res) => {
      await sleep(100);
      ok(res);
    });
    const hits = server.hits;
    const probe = client.send({ method: "GET", path: "/read" });
    const others = await Promise.allSettled([1, 2, 3].map(() => client.send({ method: "GET", path: "/read" })));
    expect(others.every((o) => o.status === "rejected" && o.reason instanceof CircuitOpenError)).toBe(true);
    expect((await probe).status).toBe(200);
    expect(server.hits).toBe(hits + 1);
    expect(guard.snapshot().circuit).toBe("closed");
    expect((await client.send({ method: "GET", path: "/read" })).status).toBe(200);
  });

  it("a failed probe opens it again", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0, circuit }));
    server.handle((_req, res) => status(res, 500));
    for (let i = 0; i < 4; i++) await client.send({ method: "GET", path: "/read" });
    await sleep(350);
    await client.send({ method: "GET", path: "/read" });
    expect(guard.snapshot().circuit).toBe("open");
  });

  it("a retry is never made into an open circuit: retries stop when it opens, and the caller gets the answer it met", async () => {
    const { client, guard } = clientFor(
      server,
      settings({ retries: 10, retryBaseMs: 1, retryMaxMs: 2, circuit: { ...circuit, volumeThreshold: 3 } }),
    );
    server.handle((_req, res) => status(res, 500));
    // Not the circuit's refusal of a retry that was never sent: the 500 itself, which the adapter maps as before.
    expect((await client.send({ method: "GET", path: "/read" })).status).toBe(500);
    expect(server.hits).toBe(3);
    expect(guard.snapshot().circuit).toBe("open");
  });
});

describe("recent latency", () => {
  it("reports p50 and p95 of the calls in the window; null before any", async () => {
    const { client, guard } = clientFor(server, settings({ retries: 0 }));
    expect(guard.snapshot()).toMatchObject({ latencyP50Ms: null, latencyP95Ms: null });
    server.handle(async (_req, res, hit) => {
      await sleep(hit === 10 ? 200 : 5);
      ok(res);
    });
    for (let i = 0; i < 10; i++) await client.send({ method: "GET", path: "/read" });
    const { latencyP50Ms, latencyP95Ms } = guard.snapshot();
    expect(latencyP50Ms).toBeGreaterThanOrEqual(4);
    expect(latencyP50Ms).toBeLessThan(100);
    expect(latencyP95Ms).toBeGreaterThanOrEqual(190);
  });
});
