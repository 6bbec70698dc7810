import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_SOURCE_ID } from "../../../src/domain/model.js";
import type { Store } from "../../../src/store/store.js";
import { memorySource } from "../../support/memory-source.js";
import { ADMIN, oneRequest, openMemoryStore, partnerOf } from "./harness.js";

/** Controllers: the local registry first, the vendors for the rest (src/federation/reads/controllers.ts). */

let store: Store;

beforeEach(async () => {
  ({ store } = await openMemoryStore());
  await store.customers.upsert({ id: "cust-ann", name: "Ann", accounts: [] });
  await store.customers.upsert({ id: "cust-bob", name: "Bob", accounts: [] });
  await store.controllers.upsert({ nodeId: "node-ann", name: "Ann's", serialNumber: "SN-1", customerId: "cust-ann" });
  await store.controllers.upsert({ nodeId: "node-bob", name: "Bob's", serialNumber: null, customerId: "cust-bob" });
  await store.controllers.upsert({ nodeId: "node-free", name: "Unowned", serialNumber: null, customerId: null });
});

afterEach(async () => {
  await store.close();
});

const vendor = (id: string, known: string[]) =>
  memorySource(id, {
    controllers: Object.fromEntries(
      known.map((nodeId) => [nodeId, { nodeId, source: id, name: `${id} ${nodeId}`, serialNumber: `${id}-SN` }]),
    ),
  });

describe("a controller by node id", () => {
  it("is the registry's when registered there, and no vendor is asked", async () => {
    const v = vendor("alpha", ["node-ann"]);
    const { reads, report } = oneRequest(store, ADMIN, [v]);
    expect(await reads.controller("node-ann", report)).toEqual({
      nodeId: "node-ann",
      name: "Ann's",
      serialNumber: "SN-1",
      customerId: "cust-ann",
    });
    expect(v.calls).toEqual([]);
  });

  it("is seen with its owner: null for a partner who does not see it, and an unowned one for an admin only", async () => {
    const { reads, report } = oneRequest(store, partnerOf("cust-ann"), []);
    expect(await reads.controller("node-ann", report)).toMatchObject({ nodeId: "node-ann" });
    expect(await reads.controller("node-bob", report)).toBeNull();
    expect(await reads.controller("node-free", report)).toBeNull();
    const admin = oneRequest(store, ADMIN, []);
    expect(await admin.reads.controller("node-free", admin.report)).toMatchObject({ customerId: null });
  });

  it("unregistered, is the first vendor's description, for an admin; the local source is never asked as a vendor", async () => {
    const [a, b, local] = [vendor("alpha", []), vendor("beta", ["node-x"]), vendor(LOCAL_SOURCE_ID, ["node-x"])];
    const { reads, report } = oneRequest(store, ADMIN, [a, b, local]);
    expect(await reads.controller("node-x", report)).toEqual({
      nodeId: "node-x",
      name: "beta node-x",
      serialNumber: "beta-SN",
      customerId: null,
    });
    expect(await reads.controller("node-none", report)).toBeNull();
    expect(local.calls).toEqual([]);
  });

  it("unregistered, is null for anyone else, without asking a vendor", async () => {
    const b = vendor("beta", ["node-x"]);
    const { reads, report } = oneRequest(store, partnerOf("cust-ann"), [b]);
    expect(await reads.controller("node-x", report)).toBeNull();
    expect(b.calls).toEqual([]);
  });
});

describe("vendor descriptions of controllers", () => {
  it("are one batched call per source for the nodes asked in one request, each node once", async () => {
    const [a, b] = [vendor("alpha", ["node-1"]), vendor("beta", ["node-1", "node-2"])];
    const { reads, report } = oneRequest(store, ADMIN, [a, b]);
    const [one, two] = await Promise.all([
      reads.vendorControllers("node-1", report),
      reads.vendorControllers("node-2", report),
      reads.vendorControllers("node-1", report),
    ]);
    expect(one.map((c) => c.source)).toEqual(["alpha", "beta"]);
    expect(two.map((c) => c.source)).toEqual(["beta"]);
    expect(a.callsTo("controllers")).toEqual([["node-1", "node-2"]]);
    expect(b.callsTo("controllers")).toEqual([["node-1", "node-2"]]);
  });

  it("a failing vendor costs only its own description, and is reported", async () => {
    const [a, b] = [vendor("alpha", ["node-1"]), vendor("beta", ["node-1"])];
    a.failure = new Error("alpha is down");
    const { reads, report, errors } = oneRequest(store, ADMIN, [a, b]);
    expect((await reads.vendorControllers("node-1", report)).map((c) => c.source)).toEqual(["beta"]);
    expect(errors).toEqual([a.failure]);
  });
});

describe("a customer's controllers", () => {
  it("are the ones registered to it, for whoever sees the customer", async () => {
    const { reads } = oneRequest(store, partnerOf("cust-ann"), []);
    expect(await reads.controllersOfCustomer("cust-ann")).toEqual([
      { nodeId: "node-ann", name: "Ann's", serialNumber: "SN-1", customerId: "cust-ann" },
    ]);
    expect(await reads.controllersOfCustomer("cust-bob")).toEqual([]);
  });
});
