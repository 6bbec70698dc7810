import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { openDb } from "../../src/store/db.js";
import { appliedMigrations, migrate, MIGRATIONS } from "../../src/store/migrate.js";
import { openStore } from "../../src/store/store.js";

/** What only the SQLite engine has: files, their pragmas, one connection's transactions, the URLs' rules. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lg-sqlite-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("sqlite:// stores", () => {
  it("keep their data in the file across a reopen, the directories created", async () => {
    const file = join(dir, "nested", "deeper", "store.db");
    const url = `sqlite://${file}`;
    const first = await openStore(url);
    await first.customers.upsert({ id: "c1", name: "Persisted", accounts: [{ source: "sofar", externalId: "acc-1" }] });
    const license = await first.licenses.issue({ customerId: "c1", activatedAt: new Date("2025-02-03T04:05:06.789Z") });
    await first.close();
    expect(existsSync(file)).toBe(true);

    const second = await openStore(url);
    expect(await migrate(second.db)).toEqual({ applied: [] });
    expect((await second.customers.getMany(["c1"])).map((r) => r.name)).toEqual(["Persisted"]);
    expect(await second.customers.findByAccounts([{ source: "sofar", externalId: "acc-1" }])).toEqual([
      { customerId: "c1", source: "sofar", externalId: "acc-1" },
    ]);
    expect(await second.licenses.getMany([license.id])).toEqual([license]);
    await second.close();
  });

  it("open in WAL mode with the pragmas a server needs", async () => {
    const file = join(dir, "pragmas.db");
    const db = await openDb(`sqlite://${file}`);
    try {
      const pragma = async (name: string) => Object.values((await db.query(`pragma ${name}`))[0]!)[0];
      expect(await pragma("journal_mode")).toBe("wal");
      expect(await pragma("synchronous")).toBe(1); // NORMAL
      expect(await pragma("foreign_keys")).toBe(1);
      expect(await pragma("busy_timeout")).toBe(5000);
      await migrate(db);
      expect(existsSync(`${file}-wal`)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("let another connection read the last commit while a write transaction is open (WAL)", async () => {
    const url = `sqlite://${join(dir, "readers.db")}`;
    const writer = await openStore(url);
    const reader = await openStore(url);
    try {
      await writer.customers.upsert({ id: "w1", name: "Before", accounts: [] });
      await writer.transaction(async (tx) => {
        await tx.customers.upsert({ id: "w1", name: "During", accounts: [] });
        // Not blocked by the open write, and not shown it either.
        expect((await reader.customers.getMany(["w1"])).map((r) => r.name)).toEqual(["Before"]);
      });
      expect((await reader.customers.getMany(["w1"])).map((r) => r.name)).toEqual(["During"]);
    } finally {
      await reader.close();
      await writer.close();
    }
  });

  it("refuse a timestamp written by hand in another shape, which would sort out of time order", async () => {
    const db = await openDb("memory://");
    try {
      await migrate(db);
      await expect(db.query("insert into customers (id, name, created_at) values ('x', 'X', '2025-01-02 03:04:05')")).rejects.toMatchObject(
        {
          code: "SQLITE_CONSTRAINT_CHECK",
        },
      );
      // The column default has the shape.
      await db.query("insert into customers (id, name) values ('y', 'Y')");
    } finally {
      await db.close();
    }
  });
});

describe("transactions on SQLite (one connection)", () => {
  it("never interleave: twenty concurrent read-then-write transactions lose no update", async () => {
    const store = await openStore("memory://");
    try {
      await store.customers.upsert({ id: "counter", name: "0", accounts: [] });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.transaction(async (tx) => {
            const [row] = await tx.customers.getMany(["counter"]);
            // Yield to the event loop between the read and the write: any other transaction could run here.
            await new Promise((resolve) => setTimeout(resolve, 1));
            await tx.customers.upsert({ id: "counter", name: String(Number(row!.name) + 1), accounts: [] });
          }),
        ),
      );
      expect((await store.customers.getMany(["counter"]))[0]!.name).toBe("20");
    } finally {
      await store.close();
    }
  });

  it("make a query from outside wait for the commit, so it never sees a transaction half done", async () => {
    const store = await openStore("memory://");
    try {
      let outside: Promise<unknown> | undefined;
      await store.transaction(async (tx) => {
        await tx.customers.upsert({ id: "half", name: "Half", accounts: [{ source: "sofar", externalId: "h-1" }] });
        outside = store.customers.findByAccounts([
          { source: "sofar", externalId: "h-1" },
          { source: "sofar", externalId: "h-2" },
        ]);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.customers.upsert({
          id: "half",
          name: "Half",
          accounts: [
            { source: "sofar", externalId: "h-1" },
            { source: "sofar", externalId: "h-2" },
          ],
        });
      });
      expect(await outside).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it("never show a read from outside the rows of a transaction that then rolls back", async () => {
    const store = await openStore("memory://");
    try {
      let outside: Promise<unknown> | undefined;
      await expect(
        store.transaction(async (tx) => {
          await tx.customers.upsert({ id: "doomed", name: "Doomed", accounts: [{ source: "sofar", externalId: "d-1" }] });
          outside = Promise.all([store.customers.getMany(["doomed"]), store.customers.accountsOf(["doomed"])]);
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      expect(await outside).toEqual([[], []]);
    } finally {
      await store.close();
    }
  });

  it("answer a read outside any transaction at once, not queued behind a caller holding the connection", async () => {
    const store = await openStore("memory://");
    try {
      await store.customers.upsert({ id: "now", name: "Now", accounts: [] });
      // The connection is lent to this callback until it returns, without a transaction: the read cannot wait for it.
      const names = await store.db.kysely.connection().execute(async () => {
        const read = store.customers.getMany(["now"]).then((rows) => rows.map((r) => r.name));
        return Promise.race([read, new Promise((resolve) => setTimeout(resolve, 200, "queued"))]);
      });
      expect(names).toEqual(["Now"]);
    } finally {
      await store.close();
    }
  });

  it("report the reads answered at once to onQuery, as Kysely reports every other query", async () => {
    const reported: string[] = [];
    const store = await openStore("memory://", { onQuery: (sql, ms) => void reported.push(`${sql.split(" ")[0]} ${typeof ms}`) });
    try {
      reported.length = 0;
      await store.customers.getMany(["nobody"]);
      await store.customers.upsert({ id: "c1", name: "One", accounts: [] });
      await store.customers.accountsOf(["c1"]);
      expect(reported).toEqual([
        "select number",
        "begin number",
        "select number",
        "select number",
        "insert number",
        "delete number",
        "commit number",
        "select number",
      ]);
    } finally {
      await store.close();
    }
  });

  it("fail a read once the store is closed, as every other query", async () => {
    const store = await openStore("memory://");
    await store.close();
    await expect(store.customers.getMany(["c1"])).rejects.toThrow("driver has already been destroyed");
  });
});

describe("store URLs in the config", () => {
  it("default to sqlite://./data/store.db", () => {
    expect(configSchema.parse({}).store.url).toBe("sqlite://./data/store.db");
  });

  it("refuse pglite:// with the command that copies its data", () => {
    const result = configSchema.safeParse({ store: { url: "pglite://./data/store" } });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([
      expect.objectContaining({
        path: ["store", "url"],
        message: expect.stringContaining("license-gateway store copy --from pglite://<dir> --to sqlite://<file>"),
      }),
    ]);
  });

  it("refuse a schema with a SQLite store, naming store.schema", () => {
    const result = configSchema.safeParse({ store: { url: "sqlite://./x.db", schema: "lg" } });
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ["store", "schema"] })]);
  });

  it("refuse sqlite:// without a path and an unknown scheme", () => {
    expect(configSchema.safeParse({ store: { url: "sqlite://" } }).error!.issues[0]!.message).toMatch(/needs a file path/);
    expect(configSchema.safeParse({ store: { url: "mysql://x" } }).error!.issues[0]!.message).toMatch(
      /unsupported store URL scheme "mysql:"/,
    );
  });
});

describe("migrations after the SQLite baseline", () => {
  const next = { version: MIGRATIONS.length + 1, name: "next", statements: ["alter table customers add column note text null"] };
  const all = [...MIGRATIONS.map((m) => m.version), next.version];

  it("apply from their SQLite statements, once", async () => {
    const db = await openDb("memory://");
    try {
      const sqlite = ["alter table customers add column note text null"];
      expect(await migrate(db, [...MIGRATIONS, { ...next, sqlite }])).toEqual({ applied: all });
      expect(await migrate(db, [...MIGRATIONS, { ...next, sqlite }])).toEqual({ applied: [] });
      expect((await appliedMigrations(db)).map((m) => m.version)).toEqual(all);
      await db.query("insert into customers (id, name, note) values ('n', 'N', 'kept')");
    } finally {
      await db.close();
    }
  });

  it("refuse one written for PostgreSQL only, before changing anything", async () => {
    const db = await openDb("memory://");
    try {
      await expect(migrate(db, [...MIGRATIONS, next])).rejects.toThrow(`migration ${next.version} (next) has no SQLite statements`);
      expect(await appliedMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
