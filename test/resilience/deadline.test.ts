import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * The operation's deadline bounds every upstream call made for it, whatever the source's own timeout: here the
 * sources may take 5 s per call (the harness default), the operation only 1 s.
 */

const DEADLINE_MS = 1_000;
/** Room for the gateway's own work after the deadline cut the vendors short. */
const SLACK_MS = 400;
// Every request must reach the vendors: no cross-request cache in front of them (test/cache covers the cache).
const t = useTestGateway({ serverOverrides: { operationDeadlineMs: DEADLINE_MS }, cache: { enabled: false } });
afterEach(() => {
  t.resetCalls();
  t.vendors.esmart.setLatency(0);
});

const QUERY = `{ customer(id: "demo-customer-1") { profile { name } licenses { key source { id } } } }`;

beforeAll(async () => {
  // Warm (tokens, connections, the schema's first run), so the timings below are the deadline's alone.
  expect((await t.gql(QUERY)).body.errors).toBeUndefined();
});

describe("the operation deadline", () => {
  it("cuts a vendor that never answers: UPSTREAM_TIMEOUT at the deadline, the others answer", async () => {
    t.vendors.sofar.fault({ server: "api", kind: "timeout" });
    const started = Date.now();
    const res = await t.gql(QUERY);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + SLACK_MS);
    const sources = new Set(res.body.data.customer.licenses.map((l: any) => l.source.id));
    expect(sources).toEqual(new Set(["smartgridone", "cryptolens", "flashstart", "local"]));
    expect(res.body.data.customer.profile).not.toBeNull();
    for (const error of res.body.errors!) {
      expect(error.extensions).toMatchObject({ code: "UPSTREAM_TIMEOUT", source: "sofar" });
      expect(error.message).toContain("deadline");
    }
  });

  it("cuts a slow vendor the same way (eSmart answering after 3 s)", async () => {
    t.vendors.esmart.setLatency(3_000);
    const started = Date.now();
    const res = await t.gql(QUERY);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + SLACK_MS);
    expect(res.body.data.customer.profile).toBeNull();
    expect(res.body.data.customer.licenses.length).toBeGreaterThan(0);
    expect(res.body.errors!.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: "UPSTREAM_TIMEOUT", source: "esmart" })]);
  });
});
