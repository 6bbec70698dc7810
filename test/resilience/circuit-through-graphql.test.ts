import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * Sofar's circuit breaker end to end: it opens under failures, fails fast without calling the vendor (the rest of
 * the response still answers), shows in Query.sources, and a probe closes it once the vendor is back.
 */

const RESET_MS = 800;
// Every request must reach the vendors: no cross-request cache in front of them (test/cache covers the cache).
const t = useTestGateway({
  cache: { enabled: false },
  sourceOverrides: {
    sofar: { resilience: { retries: 0, circuit: { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeoutMs: RESET_MS } } },
  },
});
afterEach(() => t.resetCalls());

const CUSTOMER = "demo-customer-1";
const ONE = `query($id: ID!) { customer(id: $id) { licenses { key source { id } } } }`;
const MANY = `{ customers { edges { node { licenses { key source { id } } } } } }`;
const SOURCES = `{ sources { id state circuit lastErrorCode latencyP50Ms latencyP95Ms errorRate } }`;

async function sourceRow(id: string): Promise<any> {
  const res = await t.gql(SOURCES);
  return res.body.data.sources.find((s: any) => s.id === id);
}

const sourcesOf = (body: any): Set<string> => new Set(body.data.customer.licenses.map((l: any) => l.source.id));
const sofarApiCalls = () => t.vendors.sofar.calls.count({ server: "api" });

describe("Query.sources before trouble", () => {
  it("shows each source's circuit, recent latency and error rate; the local store is always CLOSED", async () => {
    const before = await sourceRow("sofar");
    expect(before).toMatchObject({ state: "UNKNOWN", circuit: "CLOSED", latencyP50Ms: null, latencyP95Ms: null, errorRate: null });
    await t.gql(ONE, { id: CUSTOMER });
    const after = await sourceRow("sofar");
    expect(after).toMatchObject({ state: "OK", circuit: "CLOSED", errorRate: 0 });
    expect(after.latencyP50Ms).toEqual(expect.any(Number));
    expect(after.latencyP95Ms).toBeGreaterThanOrEqual(after.latencyP50Ms);
    expect(await sourceRow("local")).toMatchObject({ circuit: "CLOSED", errorRate: null });
  });
});

describe("the circuit through an outage", () => {
  it("opens, fails fast without calling Sofar, and a probe closes it when Sofar is back", async () => {
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 500 });
    await t.gql(MANY);
    const open = await sourceRow("sofar");
    expect(open).toMatchObject({ state: "FAILING", circuit: "OPEN", lastErrorCode: "UPSTREAM_UNAVAILABLE" });
    expect(open.errorRate).toBeGreaterThan(0.5);

    // Sofar is back, but the circuit is open: nothing is sent to it, the error says why, the rest answers.
    t.resetCalls();
    const started = Date.now();
    const fast = await t.gql(ONE, { id: CUSTOMER });
    expect(Date.now() - started).toBeLessThan(RESET_MS);
    expect(sofarApiCalls()).toBe(0);
    expect(sourcesOf(fast.body)).toEqual(new Set(["smartgridone", "cryptolens", "flashstart", "local"]));
    expect(fast.body.errors).toHaveLength(1);
    expect(fast.body.errors![0]!.extensions).toMatchObject({ code: "UPSTREAM_UNAVAILABLE", source: "sofar" });
    expect(fast.body.errors![0]!.message).toContain("circuit is open");

    await sleep(RESET_MS + 200);
    expect((await sourceRow("sofar")).circuit).toBe("HALF_OPEN");
    const probed = await t.gql(ONE, { id: CUSTOMER });
    expect(probed.body.errors).toBeUndefined();
    expect(sourcesOf(probed.body)).toEqual(new Set(["sofar", "smartgridone", "cryptolens", "flashstart", "local"]));
    expect(sofarApiCalls()).toBe(1);
    expect(await sourceRow("sofar")).toMatchObject({ state: "OK", circuit: "CLOSED" });
  });

  it("vendor answers that are not failures (404s) never open it", async () => {
    t.vendors.sofar.fault({ server: "api", kind: "status", status: 404 });
    await t.gql(MANY);
    await t.gql(MANY);
    expect((await sourceRow("sofar")).circuit).toBe("CLOSED");
  });
});
