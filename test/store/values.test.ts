import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { engines, unique, useEngine } from "./engines.js";

/**
 * Values the engines keep differently (timestamps as timestamptz or text, JSON as jsonb or text, booleans) come
 * back the same from both.
 */
describe.each(engines)("values on $name", (engine) => {
  const ctx = useEngine(engine);

  it("reads a timestamp written from a Date back equal, to the millisecond", async () => {
    const at = new Date("2025-06-07T08:09:10.987Z");
    const issued = await ctx.store.licenses.issue({ activatedAt: at });
    expect(issued.activatedAt).toEqual(at);
    expect((await ctx.store.licenses.getMany([issued.id]))[0]!.activatedAt).toEqual(at);
    const { key } = await ctx.store.licenses.issue({});
    const activated = await ctx.store.licenses.activate(key, new Date("1999-12-31T23:59:59.001Z"));
    expect(activated!.row.activatedAt).toEqual(new Date("1999-12-31T23:59:59.001Z"));
  });

  it("refuses a time outside years 0 to 9999 (UTC) with BAD_USER_INPUT, where the engines' timestamps part ways", async () => {
    // "9999-12-31T23:00:00-05:00" passes the DateTime scalar (four-digit year) but is in year 10000 in UTC.
    const late = new Date("9999-12-31T23:00:00-05:00");
    const { key } = await ctx.store.licenses.issue({});
    await expect(ctx.store.licenses.activate(key, late)).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["input", "activationIso"],
    });
    await expect(ctx.store.licenses.activate(key, new Date("0000-01-01T00:00:00+01:00"))).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    await expect(ctx.store.licenses.issue({ activatedAt: late })).rejects.toMatchObject({
      code: "BAD_USER_INPUT",
      field: ["input", "activatedAt"],
    });
    // Nothing was written: the license is still not activated, and the edges of the range are kept as given.
    const edge = new Date("9999-12-31T23:59:59.999Z");
    expect(await ctx.store.licenses.activate(key, edge)).toMatchObject({ alreadyActivated: false, row: { activatedAt: edge } });
    expect((await ctx.store.licenses.issue({ activatedAt: new Date("0000-01-01T00:00:00.000Z") })).activatedAt).toEqual(
      new Date("0000-01-01T00:00:00.000Z"),
    );
  });

  it("reads a timestamp the store wrote the same on every read, and as written", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Stable", accounts: [] });
    const [again] = await ctx.store.customers.getMany([customer.id]);
    expect(again).toEqual(customer);
    expect(Math.abs(customer.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("lists rows written one after another in the order written (created_at, then id)", async () => {
    const customer = await ctx.store.customers.upsert({ name: "Many licenses", accounts: [] });
    const issued: string[] = [];
    // Written within a few milliseconds: on SQLite, several in the same millisecond.
    for (let i = 0; i < 30; i++) issued.push((await ctx.store.licenses.issue({ customerId: customer.id })).id);
    expect((await ctx.store.licenses.ofCustomers([customer.id])).map((r) => r.id)).toEqual(issued);
    const node = unique("node");
    const claims: string[] = [];
    for (let i = 0; i < 30; i++)
      claims.push((await ctx.store.claims.record({ source: "sofar", licenseExternalId: unique("l"), licenseKey: "K", nodeId: node })).id);
    expect((await ctx.store.claims.ofNodes([node])).map((r) => r.id)).toEqual(claims);
  });

  it("compares timestamps with a time ago the same way: an idempotency key expires after a day, not before", async () => {
    const [principal, operation] = [unique("p"), "issueLicense"];
    expect(await ctx.store.idempotency.begin(principal, operation, "fresh", "h1")).toBeNull();
    expect(await ctx.store.idempotency.begin(principal, operation, "stale", "h1")).toBeNull();
    const age = async (key: string, ms: number) =>
      ctx.db.kysely
        .updateTable("idempotency_keys")
        .set({ created_at: new Date(Date.now() - ms) })
        .where("principal", "=", principal)
        .where("key", "=", key)
        .execute();
    await age("fresh", 23 * 3_600_000);
    await age("stale", 25 * 3_600_000);
    expect(await ctx.store.idempotency.begin(principal, operation, "fresh", "h2")).toMatchObject({ inputHash: "h1", state: "pending" });
    expect(await ctx.store.idempotency.begin(principal, operation, "stale", "h2")).toBeNull();
    expect(await ctx.store.idempotency.get(principal, operation, "stale")).toMatchObject({ inputHash: "h2", state: "pending" });
  });

  it("records an API key's use at most once a minute", async () => {
    const id = randomBytes(8).toString("hex");
    await ctx.store.apiKeys.insert({ id, name: "touched", role: "admin", customerId: null, keyHash: "h", grants: [] });
    await ctx.store.apiKeys.touch(id);
    const first = (await ctx.store.apiKeys.get(id))!.lastUsedAt!;
    expect(first).toBeInstanceOf(Date);
    const setUsed = (at: Date) => ctx.db.kysely.updateTable("api_keys").set({ last_used_at: at }).where("id", "=", id).execute();
    const recent = new Date(Date.now() - 30_000);
    await setUsed(recent);
    await ctx.store.apiKeys.touch(id);
    expect((await ctx.store.apiKeys.get(id))!.lastUsedAt).toEqual(recent);
    await setUsed(new Date(Date.now() - 120_000));
    await ctx.store.apiKeys.touch(id);
    expect(Date.now() - (await ctx.store.apiKeys.get(id))!.lastUsedAt!.getTime()).toBeLessThan(60_000);
  });

  it("round-trips JSON: nested values, unicode, escapes, and any top-level value", async () => {
    const nested = {
      text: 'Zürich – 東京 🚀 \u00e9\u0301 \u2028 line\nbreak \t tab "quoted" back\\slash </script>',
      list: [1, -2.5, 1e21, 0, true, false, null, [], {}, [[["deep"]]]],
      object: { "key with spaces": { ключ: "значение", emoji: "👩‍👩‍👧" } },
      empty: "",
    };
    const op = unique("json");
    for (const input of [nested, "just text", 42, null, [nested, nested]]) {
      const row = await ctx.store.audit.append({ operation: op, input, outcome: "ok", result: { echoed: input } });
      expect(row.input).toEqual(input);
      const [read] = await ctx.store.audit.recent(1);
      expect(read).toMatchObject({ input, result: { echoed: input } });
    }
    const principal = unique("p");
    await ctx.store.idempotency.begin(principal, "op", "k", "h");
    await ctx.store.idempotency.complete(principal, "op", "k", nested);
    expect(await ctx.store.idempotency.get(principal, "op", "k")).toMatchObject({ state: "done", result: nested });
  });

  it("reads booleans as booleans", async () => {
    const license = await ctx.store.licenses.issue({});
    expect(license.blocked).toBe(false);
    const id = randomBytes(8).toString("hex");
    const key = await ctx.store.apiKeys.insert({ id, name: "b", role: "admin", customerId: null, keyHash: "h", grants: [] });
    expect(key).toMatchObject({ documentsLocked: false, hasDocuments: false, grants: [] });
    expect(await ctx.store.apiKeys.setDocumentsLocked(id, true)).toMatchObject({ documentsLocked: true });
  });
});
