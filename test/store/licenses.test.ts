import { describe, expect, it } from "vitest";
import { bindStore } from "../../src/store/store.js";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("licenses on $name", (engine) => {
  const ctx = useEngine(engine);

  it("issues a license with a generated LOC key", async () => {
    const row = await ctx.store.licenses.issue({ type: "home", gridKw: 10, solarKw: 5, durationMonths: 12 });
    expect(row.key).toMatch(/^LOC-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(row).toMatchObject({
      type: "home",
      gridKw: 10,
      solarKw: 5,
      batteryKw: null,
      evKw: null,
      durationMonths: 12,
      customerId: null,
      blocked: false,
    });
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(row.activatedAt).toBeNull();
    expect(await ctx.store.licenses.getMany([row.id, "not-a-uuid"])).toEqual([row]);
    expect(await ctx.store.licenses.byKeys([row.key])).toEqual([row]);
    expect((await ctx.store.licenses.all()).map((r) => r.id)).toContain(row.id);
  });

  it("issues to a customer and lists by customer", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Buyer", accounts: [] });
    const at = new Date("2024-03-01T12:00:00.000Z");
    const row = await ctx.store.licenses.issue({ key: unique("KEY"), customerId: customer.id, activatedAt: at });
    expect(row.activatedAt).toEqual(at);
    expect(await ctx.store.licenses.ofCustomers([customer.id])).toEqual([row]);
  });

  it("refuses a duplicate key with CONFLICT on input.key", async () => {
    const key = unique("DUP");
    await ctx.store.licenses.issue({ key });
    await expect(ctx.store.licenses.issue({ key })).rejects.toMatchObject({ code: "CONFLICT", field: ["input", "key"] });
  });

  it("refuses an unknown customer with NOT_FOUND", async () => {
    await expect(ctx.store.licenses.issue({ customerId: "ghost" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      field: ["input", "customerId"],
    });
  });

  it("refuses a negative or fractional kW", async () => {
    await expect(ctx.store.licenses.issue({ evKw: 1.5 })).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "evKw"] });
  });

  it("activates once; the second activation reports alreadyActivated with the first date", async () => {
    const { key } = await ctx.store.licenses.issue({});
    const first = new Date("2025-01-02T03:04:05.000Z");
    const activated = await ctx.store.licenses.activate(key, first);
    expect(activated).toMatchObject({ alreadyActivated: false, row: { key, activatedAt: first } });
    const again = await ctx.store.licenses.activate(key, new Date("2026-01-01T00:00:00.000Z"));
    expect(again).toMatchObject({ alreadyActivated: true, row: { key, activatedAt: first } });
  });

  it("lets exactly one of two concurrent activations win", async () => {
    const { key } = await ctx.store.licenses.issue({});
    const other = bindStore(await ctx.connect());
    const results = await Promise.all([ctx.store.licenses.activate(key, new Date()), other.licenses.activate(key, new Date())]);
    expect(results.map((r) => r!.alreadyActivated).sort()).toEqual([false, true]);
  });

  it("returns null when activating an unknown key", async () => {
    expect(await ctx.store.licenses.activate("LOC-NONE-NONE-NONE", new Date())).toBeNull();
  });
});
