import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb, redactUrl } from "../../src/store/db.js";
import { appliedMigrations, migrate, MIGRATIONS } from "../../src/store/migrate.js";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("db and migrations on $name", (engine) => {
  // Not migrated up front: the first test is the concurrent migration itself.
  const ctx = useEngine(engine, { migrate: false });

  it("applies each migration once when three migrators start together", async () => {
    const dbs = [ctx.db, await ctx.connect(), await ctx.connect()];
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = await appliedMigrations(ctx.db);
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(rows[0]!.appliedAt).toBeInstanceOf(Date);
  });

  it("is idempotent: a second run applies nothing", async () => {
    expect(await migrate(ctx.db)).toEqual({ applied: [] });
  });

  it("rolls a transaction back when its function throws, nested calls included", async () => {
    const id = unique("rollback");
    await expect(
      ctx.store.transaction(async (tx) => {
        await tx.customers.upsert({ id, name: "Doomed", accounts: [{ source: "sofar", externalId: id }] });
        await tx.transaction(async (inner) => inner.controllers.upsert({ nodeId: id, customerId: id }));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await ctx.store.customers.getMany([id])).toEqual([]);
    expect(await ctx.store.controllers.getMany([id])).toEqual([]);
    expect(await ctx.store.customers.findByAccounts([{ source: "sofar", externalId: id }])).toEqual([]);
  });

  it("commits a transaction and returns its value", async () => {
    const id = unique("commit");
    const row = await ctx.store.transaction((tx) => tx.customers.upsert({ id, name: "Kept", accounts: [] }));
    expect(row.id).toBe(id);
    expect((await ctx.store.customers.getMany([id])).map((r) => r.name)).toEqual(["Kept"]);
  });

  it("refuses queries once closed, even when closed before its first query", async () => {
    const unused = await openDb(engine.url);
    await unused.close();
    await expect(unused.query("select 1")).rejects.toThrow();
  });

  it("returns timestamps as Date and counts and int8 as number", async () => {
    const [migration] = await appliedMigrations(ctx.db);
    expect(migration!.appliedAt).toBeInstanceOf(Date);
    expect(typeof (await ctx.store.customers.count())).toBe("number");
    const [count] = await ctx.db.query<{ n: number }>("select count(*) as n from schema_migrations");
    expect(count!.n).toBe(MIGRATIONS.length);
    expect(typeof (await ctx.store.audit.append({ operation: unique("op"), input: {}, outcome: "ok" })).id).toBe("number");
  });
});

describe("openDb URLs", () => {
  it("rejects an unknown scheme by name, without the password", async () => {
    const error = await openDb("mysql://admin:s3cret@db.example/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('"mysql:"');
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("rejects a bad pool_max without the password", async () => {
    const error = await openDb("postgres://u:s3cret@127.0.0.1:1/x?pool_max=zero").catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/pool_max/);
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("rejects a schema name that would need quoting", async () => {
    await expect(openDb("memory://", { schema: "x; drop table y" })).rejects.toThrow(/schema/);
  });

  it("redacts userinfo", () => {
    expect(redactUrl("postgres://u:p@h:5432/d?pool_max=2")).toBe("postgres://***@h:5432/d?pool_max=2");
  });

  it("refuses pglite:// with the way to copy its data, and opens nothing", async () => {
    const dir = join(tmpdir(), `lg-pglite-${randomBytes(4).toString("hex")}`);
    const error = await openDb(`pglite://${dir}`).catch((e: unknown) => e);
    expect(existsSync(dir)).toBe(false);
    expect((error as Error).message).toMatch(
      /^pglite:\/\/ stores are no longer opened by the gateway; copy this one into a new store once with `license-gateway store copy --from pglite:\/\/<dir> --to sqlite:\/\/<file>`/,
    );
  });

  it("refuses a schema on SQLite, which has none", async () => {
    await expect(openDb("memory://", { schema: "lg_x" })).rejects.toThrow(/PostgreSQL schema; a SQLite store has none/);
  });
});
