import { describe, expect, it } from "vitest";
import { useTestGateway } from "../support/gateway.js";

/**
 * Eniris has no lookup by license id, so `license(id)` searches the accounts mapped to the source. Once the
 * gateway has listed an account, it remembers which account holds which license and reads only that one.
 * Sofar's answers are not cached here (ttlMs 0), so every read reaches the simulator and can be counted.
 */
const t = useTestGateway({ sourceOverrides: { sofar: { cache: { ttlMs: 0, staleMs: 0 } } } });

const accountCalls = () => t.vendors.sofar.calls.count({ server: "api", path: /^\/v1\/license\/customer\// });
const mappedSofarAccounts = async () => (await t.gateway.store.customers.accountsAtSource("sofar")).length;
const LICENSE = `query($id: ID!) { license(id: $id) { id key customer { id } } }`;

describe("license(id) at a vendor without a lookup by id", () => {
  it("searches every mapped account for a license it has not seen listed", async () => {
    const sofar = t.vendors.sofar.data;
    const license = sofar.licenses.find((l) => l.customerId === sofar.customers[0]!.id)!;
    t.resetCalls();
    const res = await t.gql(LICENSE, { id: `sofar:${license.id}` });
    expect(res.body.data.license).toMatchObject({ key: license.key, customer: { id: "demo-customer-1" } });
    expect(accountCalls()).toBe(await mappedSofarAccounts());
    expect(await mappedSofarAccounts()).toBeGreaterThan(1);
  });

  it("reads only the account that listed it once the gateway has seen it listed", async () => {
    const listed = await t.gql(`{ customer(id: "demo-customer-2") { licenses(source: "sofar") { id key } } }`);
    const { id, key } = listed.body.data.customer.licenses[0];
    t.resetCalls();
    const res = await t.gql(LICENSE, { id });
    expect(res.body.data.license).toMatchObject({ id, key, customer: { id: "demo-customer-2" } });
    expect(accountCalls()).toBe(1);
  });

  it("falls back to the search when the remembered account no longer lists the license", async () => {
    const sofar = t.vendors.sofar.data;
    const listed = await t.gql(`{ customer(id: "demo-customer-3") { licenses(source: "sofar") { id key } } }`);
    const { id, key } = listed.body.data.customer.licenses[0];
    const license = sofar.licenses.find((l) => l.key === key)!;
    const before = license.customerId;
    license.customerId = sofar.customers[0]!.id; // the vendor moves it to demo-customer-1's account
    try {
      t.resetCalls();
      const res = await t.gql(LICENSE, { id });
      expect(res.body.data.license).toMatchObject({ id, key, customer: { id: "demo-customer-1" } });
      // The remembered account, then the others: each read once (the request's loader keeps the first read).
      expect(accountCalls()).toBe(await mappedSofarAccounts());
    } finally {
      license.customerId = before;
    }
  });
});
