import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { addSyntheticCustomers, type SyntheticCustomer } from "../support/world.js";

/** The sources' default `connections` and `resilience.maxConcurrent` (issue 13, item 15), with the cache off. */

const t = useTestGateway({ cache: { enabled: false } });
const SYNTHETIC = 20;
let world: SyntheticCustomer[] = [];

beforeAll(async () => {
  world = addSyntheticCustomers(t.vendors, t.esmartUser, SYNTHETIC);
  for (const c of world) {
    const res = await t.gql(`mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`, {
      input: { id: c.id, name: `Customer ${c.id}`, accounts: c.accounts },
    });
    expect(res.body.errors).toBeUndefined();
  }
});

describe("one operation fanning out to one vendor", () => {
  it("sends all its calls at once with the default limits (maxConcurrent 16 queued one operation behind itself)", async () => {
    t.resetCalls();
    // Long enough that calls sent together overlap however busy the machine is; the test asserts overlap, not time.
    t.vendors.sofar.setLatency(300);
    try {
      const res = await t.gql(
        `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { licensesConnection(source: "sofar") { totalCount } } } }`,
        {
          ids: world.map((c) => c.id),
        },
      );
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.nodes.map((n: any) => n.licensesConnection.totalCount)).toEqual(world.map(() => 1));
    } finally {
      t.vendors.sofar.setLatency(0);
    }
    const calls = t.vendors.sofar.calls.list().filter((c) => c.server === "api" && c.path.startsWith("/v1/license/customer/"));
    expect(calls).toHaveLength(SYNTHETIC);
    // The most calls in flight at one moment: at each call's arrival, those that had arrived and not yet ended.
    const peak = Math.max(...calls.map((c) => calls.filter((o) => o.at <= c.at && (o.endedAt ?? Infinity) > c.at).length));
    expect(peak).toBe(SYNTHETIC);
  });
});
