import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb, redactUrl } from "../../src/store/db.js";
import { migrate, MIGRATIONS } from "../../src/store/migrate.js";
import { openStore } from "../../src/store/store.js";
import { engines, unique, useEngine } from "./engines.js";

describe.each(engines)("db and migrations on $name", (engine) => {
  // Not migrated up front: the first test is the concurrent migration itself.
  const ctx = useEngine(engine, { migrate: false });

  it("applies each migration once when three migrators start together", async () => {
    const dbs = [ctx.db, await ctx.connect(), await ctx.connect()];
    const results = await Promise.all(dbs.map((db) => migrate(db)));
    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    const rows = await ctx.db.query<{ version: number; appliedAt: Date }>(`select version, applied_at as "appliedAt" from schema_migrations`);
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
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

  it("returns timestamptz as Date and int8 as number", async () => {
    const [row] = await ctx.db.query<{ at: Date; n: number }>("select now() as at, count(*) as n from schema_migrations");
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.n).toBe(MIGRATIONS.length);
  });
});

describe("openDb URLs", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

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

  it("keeps data on disk with pglite://, creating the directories", async () => {
    const dir = await mkdtemp(join(tmpdir(), "lg-store-"));
    dirs.push(dir);
    const url = `pglite://${join(dir, "nested", "store")}`;
    const first = await openStore(url);
    await first.customers.upsert({ id: "c1", name: "Persisted", accounts: [] });
    await first.close();
    const second = await openStore(url);
    expect((await second.customers.getMany(["c1"])).map((r) => r.name)).toEqual(["Persisted"]);
    await second.close();
  }, 60_000);
});
