import { describe, expect, it } from "vitest";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("controllers on $name", (engine) => {
  const ctx = useEngine(engine);

  it("registers a controller with only a node id", async () => {
    const nodeId = unique("node");
    const row = await ctx.store.controllers.upsert({ nodeId });
    expect(row).toMatchObject({ nodeId, name: null, serialNumber: null, customerId: null });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(await ctx.store.controllers.getMany([nodeId, "missing"])).toEqual([row]);
  });

  it("keeps fields given as undefined and clears fields given as null", async () => {
    const nodeId = unique("node");
    const customer = await ctx.store.customers.upsert({ name: "Owner", accounts: [] });
    await ctx.store.controllers.upsert({ nodeId, name: "Roof", serialNumber: "SN-1", customerId: customer.id });

    const renamed = await ctx.store.controllers.upsert({ nodeId, name: "Garage", serialNumber: undefined });
    expect(renamed).toMatchObject({ name: "Garage", serialNumber: "SN-1", customerId: customer.id });

    const cleared = await ctx.store.controllers.upsert({ nodeId, serialNumber: null, customerId: null });
    expect(cleared).toMatchObject({ name: "Garage", serialNumber: null, customerId: null });
    expect(cleared.createdAt.getTime()).toBe(renamed.createdAt.getTime());
  });

  it("lists the controllers of customers", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Fleet", accounts: [] });
    const [a, b] = [unique("n"), unique("n")];
    await ctx.store.controllers.upsert({ nodeId: a, customerId: customer.id });
    await ctx.store.controllers.upsert({ nodeId: b, customerId: customer.id });
    const rows = await ctx.store.controllers.ofCustomers([customer.id]);
    expect(rows.map((r) => r.nodeId).sort()).toEqual([a, b].sort());
  });

  it("refuses an unknown customer with NOT_FOUND on input.customerId and writes nothing", async () => {
    const nodeId = unique("node");
    await expect(ctx.store.controllers.upsert({ nodeId, customerId: "no-such-customer" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: ["input", "customerId"],
    });
    expect(await ctx.store.controllers.getMany([nodeId])).toEqual([]);
  });
});
