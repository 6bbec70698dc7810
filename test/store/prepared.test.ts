import { describe, expect, it } from "vitest";
import { prepared } from "../../src/store/prepared.js";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("prepared reads on $name", (engine) => {
  const ctx = useEngine(engine);

  it("build their query once, then run with each call's own arguments, in a transaction too", async () => {
    const [a, b, c] = [unique("a"), unique("b"), unique("c")].sort();
    for (const id of [a, b, c]) await ctx.store.customers.upsert({ id: id!, name: `Name ${id}`, accounts: [] });
    let builds = 0;
    const namesOf = prepared((db, ids: string[], like: string) => {
      builds++;
      return db.kysely
        .selectFrom("customers")
        .select(["id", "name"])
        .where(db.dialect.anyOf("id", ids))
        .where("name", "like", like)
        .orderBy("id");
    });

    expect((await namesOf(ctx.db, [a!], "Name %")).map((r) => r.id)).toEqual([a]);
    expect((await namesOf(ctx.db, [b!, c!, "nobody"], "Name %")).map((r) => r.id)).toEqual([b, c]);
    expect(await namesOf(ctx.db, [a!, b!], "Other %")).toEqual([]);
    expect(await namesOf(ctx.db, [], "%")).toEqual([]);
    const inside = await ctx.db.transaction(async (tx) => {
      await tx.kysely.updateTable("customers").set({ name: "Renamed" }).where("id", "=", c!).execute();
      return namesOf(tx, [c!], "Renamed");
    });
    expect(inside).toEqual([{ id: c, name: "Renamed" }]);
    expect(builds).toBe(1);
  });

  it("bind a list of pairs, each call its own", async () => {
    const id = unique("pairs");
    const [x, y] = [unique("x"), unique("y")];
    await ctx.store.customers.upsert({
      id,
      name: "Pairs",
      accounts: [
        { source: "sofar", externalId: x },
        { source: "eniris", externalId: y },
      ],
    });
    const owners = prepared((db, pairs: Array<readonly [string, string]>) =>
      db.kysely
        .selectFrom("customer_accounts")
        .select(["customer_id", "external_id"])
        .where(db.dialect.pairIn(["source", "external_id"], pairs))
        .orderBy("external_id"),
    );
    expect(await owners(ctx.db, [["sofar", x]])).toEqual([{ customer_id: id, external_id: x }]);
    expect(
      await owners(ctx.db, [
        ["eniris", x],
        ["eniris", y],
      ]),
    ).toEqual([{ customer_id: id, external_id: y }]);
    expect(await owners(ctx.db, [])).toEqual([]);
  });

  it("refuse a query that does not bind each argument as a parameter, which would keep the first call's value", async () => {
    const ignored = prepared((db, _id: string) => db.kysely.selectFrom("customers").select("id"));
    await expect(ignored(ctx.db, "c1")).rejects.toThrow("prepared read: argument 0 is not bound as a parameter");
    const turnedIntoText = prepared((db, id: string) => db.kysely.selectFrom("customers").select("id").where("name", "=", `${id}`));
    await expect(turnedIntoText(ctx.db, "c1")).rejects.toThrow("prepared read: argument 0 is not bound as a parameter");
  });
});
