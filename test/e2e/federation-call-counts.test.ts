import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";
import { addSyntheticCustomers, type SyntheticCustomer } from "../support/world.js";

const t = useTestGateway();
let world: SyntheticCustomer[] = [];

const SYNTHETIC = 20;
/** The demo's three customers have an account at every vendor too. */
const ACCOUNTS_PER_VENDOR = SYNTHETIC + 3;

beforeAll(async () => {
  world = addSyntheticCustomers(t.vendors, t.esmartUser, SYNTHETIC);
  for (const c of world) {
    const customer = await t.gql(`mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { id } }`, {
      input: { id: c.id, name: `Customer ${c.id}`, accounts: c.accounts },
    });
    expect(customer.body.errors).toBeUndefined();
    const controller = await t.gql(`mutation($input: UpsertControllerInput!) { upsertController(input: $input) { nodeId } }`, {
      input: { nodeId: c.nodeId, serialNumber: c.serialNumber, customerId: c.id },
    });
    expect(controller.body.errors).toBeUndefined();
  }
});

/**
 * Reads asked more than once of one simulator: each is an N+1 or a missed dedup. A GET is identified by its
 * path and query, except at Customerarea, whose GETs carry their parameters in a JSON body (its input log).
 */
function repeatedReads(): string[] {
  const v = t.vendors;
  const all = [
    ...[v.sofar, v.smartgridone, v.esmart].flatMap((sim, i) =>
      sim.calls
        .list()
        .filter((c) => c.method === "GET")
        .map((c) => `${i} ${c.path.toLowerCase()} ${JSON.stringify(c.query)}`),
    ),
    ...v.flashstart.inputs
      .list()
      .filter((c) => c.method === "GET")
      .map((c) => `flashstart ${c.path} ${JSON.stringify(c.params)}`),
  ];
  return all.filter((p, i) => all.indexOf(p) !== i);
}

describe("a query over 20+ customers with accounts at every source", () => {
  it("makes one call per distinct (source, key) and no more", async () => {
    t.resetCalls();
    const res = await t.gql(`{
      customers(first: 100) { edges { node {
        id
        profile { email phoneNumber }
        licenses { key status features source { id } customer { id } datalinks { nodeId controller { nodeId name hardware { firmwareVersion devices { type } } } } }
        controllers { nodeId serialNumber hardware { active lastSeenAt } licenses { key source { id } } }
        availableLicenses { code price currency }
      } } }
    }`);
    expect(res.body.errors, JSON.stringify(res.body.errors?.slice(0, 3))).toBeUndefined();
    const customers = res.body.data.customers.edges.map((e: any) => e.node);
    expect(customers).toHaveLength(ACCOUNTS_PER_VENDOR);

    // Every synthetic customer gets licenses from all four license vendors, its profile and its hardware.
    for (const c of world) {
      const node = customers.find((n: any) => n.id === c.id);
      expect(new Set(node.licenses.map((l: any) => l.source.id))).toEqual(new Set(["sofar", "cryptolens", "flashstart"]));
      expect(node.profile.email).toMatch(/@example\.com$/);
      expect(node.controllers[0].hardware.active).toBe(true);
      expect(node.controllers[0].licenses.map((l: any) => l.source.id).sort()).toEqual(["cryptolens", "sofar"]);
    }

    const v = t.vendors;
    // One list per account at each vendor, whatever the number of fields and depths that need it.
    expect(v.sofar.calls.count({ server: "api", path: /^\/v1\/license\/customer\// })).toBe(ACCOUNTS_PER_VENDOR);
    expect(v.smartgridone.calls.count({ server: "api", path: /^\/v1\/license\/customer\// })).toBe(3);
    expect(v.cryptolens.calls.count({ path: /getcustomerlicenses$/i })).toBe(ACCOUNTS_PER_VENDOR);
    expect(v.flashstart.calls.count({ method: "GET", path: /\/licenses$/ })).toBe(ACCOUNTS_PER_VENDOR);
    expect(v.flashstart.calls.count({ method: "GET", path: /\/licenses\/available$/ })).toBe(ACCOUNTS_PER_VENDOR);
    expect(v.esmart.calls.count({ path: /^\/api\/customers\//i })).toBe(ACCOUNTS_PER_VENDOR);
    // Controllers are described by one device query per Eniris brand and depth, never one per controller.
    for (const sim of [v.sofar, v.smartgridone]) expect(sim.calls.count({ path: "/v1/device/query" })).toBeLessThanOrEqual(2);
    // Nothing read twice: hardware by serial, devices by gateway, licenses by controller.
    expect(repeatedReads()).toEqual([]);
  });
});
