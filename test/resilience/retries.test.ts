import { afterEach, describe, expect, it } from "vitest";
import { operationScope, runInOperation } from "../../src/domain/operation-context.js";
import { clientFor, closeClients, ok, rejectionOf, settings, status, useScriptedServer } from "./support.js";

/** SourceGuard's retries through the real HttpClient, against a scripted node:http server. */

const server = useScriptedServer();
afterEach(closeClients);

describe("what is retried", () => {
  it.each([500, 502, 503, 504])("a GET answered %i twice, then 200: retried, and the caller gets the 200", async (code) => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res, hit) => (hit <= 2 ? status(res, code) : ok(res)));
    const res = await client.send({ method: "GET", path: "/read" });
    expect(res.status).toBe(200);
    expect(server.hits).toBe(3);
  });

  it("a GET that keeps failing: retries+1 calls, then the last answer goes back to the adapter", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res) => status(res, 503));
    const res = await client.send({ method: "GET", path: "/read" });
    expect(res.status).toBe(503);
    expect(server.hits).toBe(3);
  });

  it("a reset connection and a timeout are retried", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }), 200);
    server.handle((_req, res, hit) => {
      if (hit === 1) res.socket?.destroy();
      else if (hit === 2)
        return; // never answers: the 200 ms timeout
      else ok(res);
    });
    const res = await client.send({ method: "GET", path: "/read" });
    expect(res.status).toBe(200);
    expect(server.hits).toBe(3);
  });

  it.each([400, 401, 403, 404, 409, 422])("a %i is the vendor's answer: sent once", async (code) => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res) => status(res, code));
    expect((await client.send({ method: "GET", path: "/read" })).status).toBe(code);
    expect(server.hits).toBe(1);
  });

  it("a 5xx the adapter calls a domain answer (isDomainAnswer) is sent once", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res) => status(res, 500));
    const res = await client.send({ method: "GET", path: "/read", isDomainAnswer: (r) => r.status === 500 });
    expect(res.status).toBe(500);
    expect(server.hits).toBe(1);
  });
});

describe("writes are never retried", () => {
  it.each([
    ["a 500", (res: any) => status(res, 500)],
    ["a 503 with Retry-After", (res: any) => status(res, 503, { "retry-after": "0" })],
    ["a reset", (res: any) => res.socket?.destroy()],
    ["no answer", () => undefined],
  ] as const)("POST, PATCH, PUT, DELETE after %s: one call each", async (_, answer) => {
    const { client } = clientFor(server, settings({ retries: 5 }), 200);
    server.handle((_req, res) => answer(res));
    for (const method of ["POST", "PATCH", "PUT", "DELETE"] as const) {
      await client.send({ method, path: "/write", json: {} }).catch(() => undefined);
    }
    expect(server.hits).toBe(4);
  });

  it("a POST flagged idempotent (a read through a query body) is retried", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res, hit) => (hit === 1 ? status(res, 500) : ok(res)));
    expect((await client.send({ method: "POST", path: "/query", json: {}, idempotent: true })).status).toBe(200);
    expect(server.hits).toBe(2);
  });

  it("a GET flagged not idempotent is sent once", async () => {
    const { client } = clientFor(server, settings({ retries: 2 }));
    server.handle((_req, res) => status(res, 500));
    await client.send({ method: "GET", path: "/read", idempotent: false });
    expect(server.hits).toBe(1);
  });
});

describe("Retry-After", () => {
  it("a 429 with Retry-After: 1 under the cap: waits about a second, then retries", async () => {
    const { client } = clientFor(server, settings({ retries: 1, retryMaxMs: 2_000 }));
    server.handle((_req, res, hit) => (hit === 1 ? status(res, 429, { "retry-after": "1" }) : ok(res)));
    const started = Date.now();
    expect((await client.send({ method: "GET", path: "/read" })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.hits).toBe(2);
  });

  it("a 429 asking for longer than retryMaxMs: given up at once, the 429 (with its header) goes back", async () => {
    const { client } = clientFor(server, settings({ retries: 3, retryMaxMs: 2_000 }));
    server.handle((_req, res) => status(res, 429, { "retry-after": "30" }));
    const started = Date.now();
    const res = await client.send({ method: "GET", path: "/read" });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("30");
    expect(server.hits).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("a 503 with Retry-After: 0 is retried", async () => {
    const { client } = clientFor(server, settings({ retries: 1 }));
    server.handle((_req, res, hit) => (hit === 1 ? status(res, 503, { "retry-after": "0" }) : ok(res)));
    expect((await client.send({ method: "GET", path: "/read" })).status).toBe(200);
  });
});

describe("the operation's deadline", () => {
  it("cuts an attempt's timeout to the time left, with a message that says so", async () => {
    const { client } = clientFor(server, settings({ retries: 0 }), 5_000);
    server.handle(() => undefined);
    const started = Date.now();
    const error = await runInOperation(operationScope(300), () => rejectionOf(client.send({ method: "GET", path: "/read" })));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: "UPSTREAM_TIMEOUT", source: "test-src" });
    expect(error.message).toContain("deadline");
  });

  it("no retry starts when its backoff would end past the deadline", async () => {
    const { client } = clientFor(server, settings({ retries: 5, retryBaseMs: 400, retryMaxMs: 400 }));
    const arrivals: number[] = [];
    server.handle((_req, res) => {
      arrivals.push(Date.now());
      status(res, 429, { "retry-after": "0" });
    });
    // Each retry must leave itself retryBaseMs (400 ms) before the 500 ms deadline. How many fit depends on the
    // jittered backoffs (two short ones fit two retries), so the rule is checked on each retry's start, not counted.
    const deadline = Date.now() + 500;
    await runInOperation(operationScope(500), async () => {
      await client.send({ method: "GET", path: "/read" });
    });
    expect(arrivals.length).toBeGreaterThanOrEqual(1);
    // 20 ms of slack for the time between the guard's check and the request's arrival here.
    for (const at of arrivals.slice(1)) expect(at + 400).toBeLessThanOrEqual(deadline + 20);
  });

  it("retries of a timing-out read stay within the deadline", async () => {
    const { client } = clientFor(server, settings({ retries: 5, retryBaseMs: 10 }), 200);
    server.handle(() => undefined);
    const started = Date.now();
    const error = await runInOperation(operationScope(700), () => rejectionOf(client.send({ method: "GET", path: "/read" })));
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(850);
    expect(server.hits).toBeGreaterThanOrEqual(2);
  });

  it("an operation whose client went away stops its call at once and is not retried", async () => {
    const { client } = clientFor(server, settings({ retries: 3 }), 5_000);
    server.handle(() => undefined);
    const gone = new AbortController();
    setTimeout(() => gone.abort(), 100);
    const error = await runInOperation(operationScope(5_000, gone.signal), () =>
      rejectionOf(client.send({ method: "GET", path: "/read" })),
    );
    expect(error.message).toContain("cancelled");
    expect(server.hits).toBe(1);
  });
});

describe("the retry budget", () => {
  it("during an outage retries add at most the budget (ratio 0.2 of 50 calls = 10), not 2 per call", async () => {
    const { client } = clientFor(
      server,
      settings({ retries: 2, retryBaseMs: 1, retryMaxMs: 5, retryBudgetRatio: 0.2, circuit: { volumeThreshold: 1_000 } }),
    );
    server.handle((_req, res) => status(res, 503));
    for (let i = 0; i < 50; i++) await client.send({ method: "GET", path: "/read" });
    // 50 first attempts; without the budget 150 calls.
    expect(server.hits).toBeGreaterThanOrEqual(50);
    expect(server.hits).toBeLessThanOrEqual(60);
  });

  it("a quiet source retries its fourth transient fault within 10 s (the floor is 10 a second, not 3 a window)", async () => {
    // Default budget settings; the backoff is shortened and the circuit kept out of the way (half the attempts fail
    // here, which would open it). Every call's first attempt finds its connection reset, as when a vendor closes a
    // keep-alive connection the gateway was about to use.
    const { client } = clientFor(server, settings({ retries: 1, circuit: { volumeThreshold: 1_000 } }));
    server.handle((_req, res, hit) => (hit % 2 === 1 ? void res.socket?.destroy() : ok(res)));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await client.send({ method: "GET", path: "/read" })).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 200]);
    expect(server.hits).toBe(12);
  });

  it("the floor is per second: an outage on a quiet source gets at most retryBudgetMinPerSecond retries a second", async () => {
    const { client } = clientFor(
      server,
      settings({ retries: 2, retryBaseMs: 1, retryMaxMs: 2, retryBudgetMinPerSecond: 4, circuit: { volumeThreshold: 1_000 } }),
    );
    server.handle((_req, res) => status(res, 503));
    const started = Date.now();
    for (let i = 0; i < 10; i++) await client.send({ method: "GET", path: "/read" });
    // Ten first attempts; the ratio allows 2 retries of 10 calls, the floor 4 in the second the test takes.
    expect(Date.now() - started).toBeLessThan(1_000); // else the floor renewed and the bound below does not apply
    expect(server.hits).toBe(14);
  });

  it("ratio 0 turns retries off", async () => {
    const { client } = clientFor(server, settings({ retries: 3, retryBudgetRatio: 0 }));
    server.handle((_req, res) => status(res, 500));
    await client.send({ method: "GET", path: "/read" });
    expect(server.hits).toBe(1);
  });
});
