import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tag } from "../../../src/domain/data-tags.js";
import type { Store } from "../../../src/store/store.js";
import { licenseAt } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/** Customers and their accounts come from the embedded store (src/federation/reads/customers.ts). */

let store: Store;
let queries: string[];

beforeEach(async () => {
  ({ store, queries } = await openMemoryStore());
  await store.customers.upsert({ id: "cust-ann", name: "Ann", accounts: [{ source: "alpha", externalId: "acc-ann" }] });
  await store.customers.upsert({ id: "cust-bob", name: "Bob", accounts: [{ source: "alpha", externalId: "acc-bob" }] });
  await store.customers.upsert({ id: "cust-cy", name: "Cy", accounts: [] });
  queries.length = 0;
});

afterEach(async () => {
  await store.close();
});

describe("a customer by id", () => {
  it("is read once per request, however often it is asked", async () => {
    const { reads } = oneRequest(store, ADMIN, []);
    const [ann, again, bob] = await Promise.all([reads.customer("cust-ann"), reads.customer("cust-ann"), reads.customer("cust-bob")]);
    expect(ann).toMatchObject({ id: "cust-ann", name: "Ann" });
    expect(again).toBe(ann);
    expect(bob).toMatchObject({ id: "cust-bob" });
    expect(await reads.customer("cust-missing")).toBeNull();
    expect(queries).toHaveLength(2);
  });

  it("is null for a customer the principal does not see, without reading the store", async () => {
    const { reads } = oneRequest(store, partnerOf("cust-ann"), []);
    expect(await reads.customer("cust-bob")).toBeNull();
    expect(await reads.customerAccounts("cust-bob")).toEqual([]);
    expect(queries).toEqual([]);
    expect(await reads.customer("cust-ann")).toMatchObject({ id: "cust-ann" });
  });
});

describe("the customer list", () => {
  it("pages over the customers the principal sees, counts them, and primes each row for later reads", async () => {
    const { reads, tracker } = oneRequest(store, partnerOf("cust-ann", "cust-cy"), []);
    const page = await reads.customerPage({ first: 1 });
    expect(page.rows.map((r) => r.id)).toEqual(["cust-ann"]);
    expect(page.hasNextPage).toBe(true);
    expect(await reads.customerCount()).toBe(2);
    const before = queries.length;
    expect(await reads.customer("cust-ann")).toBe(page.rows[0]);
    expect(queries).toHaveLength(before);
    expect([...tracker.tags]).toEqual(expect.arrayContaining([tag.customerList, tag.customer("cust-ann")]));
  });

  it("holds every customer for an admin", async () => {
    const { reads } = oneRequest(store, ADMIN, []);
    expect((await reads.customerPage({ first: 10 })).rows.map((r) => r.id)).toEqual(["cust-ann", "cust-bob", "cust-cy"]);
    expect(await reads.customerCount()).toBe(3);
  });
});

describe("a customer's accounts", () => {
  it("are the federation map's rows, read in one query for all customers asked together", async () => {
    const { reads } = oneRequest(store, ADMIN, []);
    const [ann, bob] = await Promise.all([reads.customerAccounts("cust-ann"), reads.customerAccounts("cust-bob")]);
    expect(ann).toEqual([{ customerId: "cust-ann", source: "alpha", externalId: "acc-ann" }]);
    expect(bob).toEqual([{ customerId: "cust-bob", source: "alpha", externalId: "acc-bob" }]);
    expect(queries).toHaveLength(1);
  });
});

describe("a license's customer", () => {
  it("is the one it is issued to, else the owner of the account that listed it, else none", async () => {
    const { reads } = oneRequest(store, ADMIN, []);
    expect(await reads.licenseCustomer(licenseAt("local", "1", { customerId: "cust-cy" }))).toMatchObject({ id: "cust-cy" });
    expect(await reads.licenseCustomer(licenseAt("alpha", "L", { account: { source: "alpha", externalId: "acc-bob" } }))).toMatchObject({
      id: "cust-bob",
    });
    expect(await reads.licenseCustomer(licenseAt("alpha", "L", { account: { source: "alpha", externalId: "acc-nobody" } }))).toBeNull();
    expect(await reads.licenseCustomer(licenseAt("alpha", "L"))).toBeNull();
  });

  it("is null when the principal does not see it", async () => {
    const { reads } = oneRequest(store, partnerOf("cust-ann"), []);
    expect(await reads.licenseCustomer(licenseAt("alpha", "L", { account: { source: "alpha", externalId: "acc-bob" } }))).toBeNull();
  });
});
