import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/errors/gateway-error.js";
import type { CustomerPosition, CustomerRow } from "../../src/store/customers.js";
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
    expect(
      await ctx.store.customers.findByAccounts([
        { source: "sofar", externalId: ext },
        { source: "sofar", externalId: "nobody" },
      ]),
    ).toEqual([{ customerId: row.id, source: "sofar", externalId: ext }]);
  });

  it("updates the name and replaces the accounts exactly", async () => {
    const id = unique("cust");
    const [a, b, c] = [unique("a"), unique("b"), unique("c")];
    const created = await ctx.store.customers.upsert({
      id,
      name: "Old",
      accounts: [
        { source: "sofar", externalId: a },
        { source: "eniris", externalId: b },
      ],
    });
    const updated = await ctx.store.customers.upsert({
      id,
      name: "New",
      accounts: [
        { source: "eniris", externalId: b },
        { source: "eniris", externalId: c },
      ],
    });
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
      .upsert({
        id,
        name: "Intruder",
        accounts: [
          { source: "eniris", externalId: unique("x") },
          { source: "sofar", externalId: ext },
        ],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "CONFLICT", field: ["input", "accounts"] });
    expect(await ctx.store.customers.getMany([id])).toEqual([]);
    expect(await ctx.store.customers.accountsOf([id])).toEqual([]);
    expect(await ctx.store.customers.findByAccounts([{ source: "sofar", externalId: ext }])).toEqual([
      { customerId: owner.id, source: "sofar", externalId: ext },
    ]);
  });

  it("refuses a new customer id that another object's id could equal (':', local, a source's id), and still updates one stored before the rule", async () => {
    const suffix = unique("x");
    for (const [id, sourceIds] of [
      [`sofar:${suffix}`, []],
      [`Controller:${suffix}`, []],
      ["local", []],
      [suffix, [suffix]],
    ] as const) {
      const error = await ctx.store.customers.upsert({ id, name: "Collides", accounts: [], sourceIds }).catch((e: unknown) => e);
      expect(error, id).toMatchObject({ code: "BAD_USER_INPUT", field: ["input", "id"] });
      expect(await ctx.store.customers.getMany([id])).toEqual([]);
    }
    const legacy = `crm:${suffix}`;
    await ctx.store.db.query(`insert into customers (id, name) values ($1, 'Old')`, [legacy]);
    expect(await ctx.store.customers.upsert({ id: legacy, name: "Renamed", accounts: [] })).toMatchObject({ id: legacy, name: "Renamed" });
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

  it("pages by (name, id) with stable positions, forward and backward", async () => {
    const prefix = unique("zz-page");
    for (const n of ["b", "a", "d", "c"]) await ctx.store.customers.upsert({ id: `${prefix}-${n}`, name: `${prefix} ${n}`, accounts: [] });
    const at = (row: CustomerRow): CustomerPosition => [row.name, row.id];
    // Walk the whole list two at a time each way; each walk must equal one full read, with no repeats.
    const all = (await ctx.store.customers.list({ first: 1000 })).rows;
    const forward: string[] = [];
    let after: CustomerPosition | null = null;
    for (;;) {
      const page = await ctx.store.customers.list({ first: 2, after });
      expect(page.hasPreviousPage).toBe(after !== null);
      forward.push(...page.rows.map((r) => r.id));
      if (!page.hasNextPage) break;
      after = at(page.rows.at(-1)!);
    }
    expect(forward).toEqual(all.map((r) => r.id));
    const backward: string[] = [];
    let before: CustomerPosition | null = null;
    for (;;) {
      const page = await ctx.store.customers.list({ last: 2, before });
      expect(page.hasNextPage).toBe(before !== null);
      backward.unshift(...page.rows.map((r) => r.id));
      if (!page.hasPreviousPage) break;
      before = at(page.rows[0]!);
    }
    expect(backward).toEqual(forward);
    expect(forward.filter((id) => id.startsWith(prefix))).toEqual(["a", "b", "c", "d"].map((n) => `${prefix}-${n}`));

    // A position keeps its place when rows are added before it, and when its own row is gone.
    const i = forward.indexOf(`${prefix}-b`);
    const b: CustomerPosition = [`${prefix} b`, `${prefix}-b`];
    const first = await ctx.store.customers.list({ first: 1, after: b });
    await ctx.store.customers.upsert({ id: `${prefix}-0`, name: `${prefix} 0`, accounts: [] });
    expect((await ctx.store.customers.list({ first: 1, after: b })).rows).toEqual(first.rows);
    expect(first.rows[0]!.id).toBe(forward[i + 1]);
    const gone: CustomerPosition = [`${prefix} bb`, `${prefix}-bb`];
    expect((await ctx.store.customers.list({ first: 1, after: gone })).rows).toEqual(first.rows);
    // Between two positions, from either end.
    const window = { after: [`${prefix} a`, `${prefix}-a`] as const, before: [`${prefix} d`, `${prefix}-d`] as const };
    expect((await ctx.store.customers.list({ first: 5, ...window })).rows.map((r) => r.id)).toEqual([`${prefix}-b`, `${prefix}-c`]);
    expect(await ctx.store.customers.list({ last: 1, ...window })).toMatchObject({
      rows: [{ id: `${prefix}-c` }],
      hasPreviousPage: true,
      hasNextPage: true,
    });
  });

  it("keeps to `only`, in pages and in the count", async () => {
    const prefix = unique("zz-only");
    for (const n of ["a", "b", "c"]) await ctx.store.customers.upsert({ id: `${prefix}-${n}`, name: `${prefix} ${n}`, accounts: [] });
    const only = [`${prefix}-a`, `${prefix}-c`, "nobody"];
    expect(await ctx.store.customers.count(only)).toBe(2);
    expect(await ctx.store.customers.count()).toBe((await ctx.store.customers.list({ first: 1000 })).rows.length);
    const page = await ctx.store.customers.list({ first: 1, after: [`${prefix} a`, `${prefix}-a`], only });
    expect(page).toMatchObject({ rows: [{ id: `${prefix}-c` }], hasPreviousPage: true, hasNextPage: false });
    // Someone else's row before the position does not count as a previous page.
    expect(await ctx.store.customers.list({ first: 1, after: [`${prefix} b`, `${prefix}-b`], only: [`${prefix}-c`] })).toMatchObject({
      rows: [{ id: `${prefix}-c` }],
      hasPreviousPage: false,
    });
  });

  it("returns no rows for first: 0 or last: 0, and says what lies beyond", async () => {
    expect(await ctx.store.customers.list({ first: 0 })).toMatchObject({ rows: [], hasNextPage: true, hasPreviousPage: false });
    expect(await ctx.store.customers.list({ last: 0 })).toMatchObject({ rows: [], hasNextPage: false, hasPreviousPage: true });
  });

  it("refuses a negative page size, naming the argument", async () => {
    await expect(ctx.store.customers.list({ first: -1 })).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: ["first"] });
    await expect(ctx.store.customers.list({ last: -1 })).rejects.toMatchObject({ code: "BAD_USER_INPUT", field: ["last"] });
  });
});
