import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors/gateway-error.js";
import { bindStore } from "../../src/store/store.js";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("customers on $name", (engine) => {
  const ctx = useEngine(engine);

  it("creates a customer with a generated id and its accounts", async () => {
    const ext = unique("acc");
    const row = await ctx.store.customers.upsert({ name: "Acme", accounts: [{ source: "sofar", externalId: ext }] });
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row.createdAt).toBeInstanceOf(Date);
    expect(row.updatedAt).toBeInstanceOf(Date);
    expect(await ctx.store.customers.accountsOf([row.id])).toEqual([{ customerId: row.id, source: "sofar", externalId: ext }]);
    expect(await ctx.store.customers.findByAccounts([{ source: "sofar", externalId: ext }, { source: "sofar", externalId: "nobody" }])).toEqual([
      { customerId: row.id, source: "sofar", externalId: ext },
    ]);
  });

  it("updates the name and replaces the accounts exactly", async () => {
    const id = unique("cust");
    const [a, b, c] = [unique("a"), unique("b"), unique("c")];
    const created = await ctx.store.customers.upsert({ id, name: "Old", accounts: [{ source: "sofar", externalId: a }, { source: "eniris", externalId: b }] });
    const updated = await ctx.store.customers.upsert({ id, name: "New", accounts: [{ source: "eniris", externalId: b }, { source: "eniris", externalId: c }] });
    expect(updated).toMatchObject({ id, name: "New" });
    expect(updated.createdAt.getTime()).toBe(created.createdAt.getTime());
    const accounts = await ctx.store.customers.accountsOf([id]);
    expect(accounts.map((r) => `${r.source}/${r.externalId}`).sort()).toEqual([`eniris/${b}`, `eniris/${c}`].sort());
    expect(await ctx.store.customers.findByAccounts([{ source: "sofar", externalId: a }])).toEqual([]);
    expect((await ctx.store.customers.accountsAtSource("eniris")).filter((r) => r.customerId === id)).toHaveLength(2);
  });

  it("refuses an account owned by another customer and writes nothing", async () => {
    const ext = unique("owned");
    const owner = await ctx.store.customers.upsert({ name: "Owner", accounts: [{ source: "sofar", externalId: ext }] });
    const id = unique("intruder");
    const error = await ctx.store.customers
      .upsert({ id, name: "Intruder", accounts: [{ source: "eniris", externalId: unique("x") }, { source: "sofar", externalId: ext }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "CONFLICT", field: ["input", "accounts"] });
    expect(await ctx.store.customers.getMany([id])).toEqual([]);
    expect(await ctx.store.customers.accountsOf([id])).toEqual([]);
    expect(await ctx.store.customers.findByAccounts([{ source: "sofar", externalId: ext }])).toEqual([{ customerId: owner.id, source: "sofar", externalId: ext }]);
  });

  it("decides a race for one account: exactly one of two concurrent upserts wins", async () => {
    const ext = unique("race");
    const db2 = await ctx.connect();
    const results = await Promise.allSettled([
      ctx.store.customers.upsert({ name: "R1", accounts: [{ source: "sofar", externalId: ext }] }),
      bindStore(db2).customers.upsert({ name: "R2", accounts: [{ source: "sofar", externalId: ext }] }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "CONFLICT" });
  });

  it("pages by (name, id) with stable cursors", async () => {
    const prefix = unique("zz-page");
    for (const n of ["b", "a", "d", "c"]) await ctx.store.customers.upsert({ id: `${prefix}-${n}`, name: `${prefix} ${n}`, accounts: [] });
    // Walk the whole list two at a time; it must equal one full read, with no repeats.
    const all = (await ctx.store.customers.list({ first: 1000 })).rows.map((r) => r.id);
    const walked: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await ctx.store.customers.list({ first: 2, ...(after ? { after } : {}) });
      walked.push(...page.rows.map((r) => r.id));
      if (!page.hasNextPage) break;
      after = page.endCursor!;
    }
    expect(walked).toEqual(all);
    expect(all.filter((id) => id.startsWith(prefix))).toEqual(["a", "b", "c", "d"].map((n) => `${prefix}-${n}`));

    // A cursor keeps its place when rows are added before it.
    const i = all.indexOf(`${prefix}-b`);
    const cursor = Buffer.from(JSON.stringify([`${prefix} b`, `${prefix}-b`])).toString("base64url");
    const before = await ctx.store.customers.list({ first: 1, after: cursor });
    await ctx.store.customers.upsert({ id: `${prefix}-0`, name: `${prefix} 0`, accounts: [] });
    const again = await ctx.store.customers.list({ first: 1, after: cursor });
    expect(again.rows.map((r) => r.id)).toEqual(before.rows.map((r) => r.id));
    expect(before.rows[0]!.id).toBe(all[i + 1]);
  });

  it("returns no rows and no cursor for first: 0", async () => {
    const page = await ctx.store.customers.list({ first: 0 });
    expect(page).toMatchObject({ rows: [], endCursor: null, hasNextPage: true });
  });

  it.each(["not base64 !!", Buffer.from("[1,2]").toString("base64url"), Buffer.from("{").toString("base64url")])("rejects the bad cursor %j", async (after) => {
    await expect(ctx.store.customers.list({ first: 2, after })).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: ["after"] });
  });
});
