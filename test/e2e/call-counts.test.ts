import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

const t = useTestGateway();

/** Paths requested more than once at either simulator's API: each is an N+1 or a missed dedup. */
function repeatedPaths(): string[] {
  const all = [t.vendors.sofar, t.vendors.smartgridone].flatMap((sim) =>
    sim.calls
      .list()
      .filter((c) => c.server === "api")
      .map((c) => `${sim.apiUrl} ${c.method} ${c.path} ${JSON.stringify(c.query)}`),
  );
  return all.filter((p, i) => all.indexOf(p) !== i);
}

const EXTRA_CONTROLLERS = 20;

describe("upstream calls per operation (no N+1)", () => {
  beforeAll(async () => {
    // More controllers per customer than the vendors know, so a per-controller device lookup would show.
    for (let i = 0; i < EXTRA_CONTROLLERS; i++) {
      const res = await t.gql(`mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId } }`, {
        input: { nodeId: `extra-ctrl-${i}`, customerId: `demo-customer-${(i % 3) + 1}` },
      });
      expect(res.body.errors).toBeUndefined();
    }
  });

  it("fetches each customer's licenses once per source, however many fields need them", async () => {
    t.resetCalls();
    const res = await t.gql(`{
      customers(first: 50) { edges { node {
        id
        all: licenses { key customer { id } datalinks { id } }
        active: licenses(status: ACTIVE) { key }
        again: licenses { id }
      } } }
    }`);
    expect(res.body.errors).toBeUndefined();
    for (const sim of [t.vendors.sofar, t.vendors.smartgridone]) {
      // 3 demo customers map to one account each at each brand: exactly 3 list calls, whatever the aliases.
      expect(sim.calls.count({ server: "api", path: /^\/v1\/license\/customer\// })).toBe(3);
    }
    expect(repeatedPaths()).toEqual([]);
  });

  it("looks up many controllers in one device query per source", async () => {
    t.resetCalls();
    const res = await t.gql(`{ customers { edges { node { controllers { nodeId name serialNumber } } } } }`);
    expect(res.body.errors).toBeUndefined();
    const controllers = res.body.data.customers.edges.flatMap((e: any) => e.node.controllers);
    expect(controllers.length).toBeGreaterThanOrEqual(EXTRA_CONTROLLERS);
    for (const sim of [t.vendors.sofar, t.vendors.smartgridone]) {
      expect(sim.calls.count({ server: "api", path: "/v1/device/query" })).toBe(1);
    }
  });

  it("calls each (source, key) at most once in a deep query across customers, licenses, datalinks and controllers", async () => {
    t.resetCalls();
    const res = await t.gql(`{
      customers { edges { node {
        licenses { key datalinks { nodeId controller { nodeId name licenses { key } } } }
        controllers { nodeId name serialNumber licenses { key datalinks { nodeId } } datalinks { id license { key } } }
      } } }
    }`);
    expect(res.body.errors).toBeUndefined();
    expect(repeatedPaths()).toEqual([]);
    const nodes = new Set(res.body.data.customers.edges.flatMap((e: any) => e.node.controllers.map((c: any) => c.nodeId)));
    for (const sim of [t.vendors.sofar, t.vendors.smartgridone]) {
      expect(sim.calls.count({ server: "api", path: /^\/v1\/license\/controller\// })).toBeLessThanOrEqual(nodes.size);
      expect(sim.calls.count({ server: "api", path: "/v1/device/query" })).toBeLessThanOrEqual(2);
    }
  });
});
