import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrate.js";

/**
 * SQLite's baseline builds, in one step, the schema PostgreSQL reaches through migrations 1 to 5, and each later
 * migration's SQLite statements keep to PostgreSQL's: the same tables, columns in the same order, nullability and
 * defaults, the same named indexes, and the same foreign keys with their actions on delete. Needs DATABASE_URL.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const schema = `lg_parity_${randomBytes(5).toString("hex")}`;

describe.skipIf(DATABASE_URL === undefined)("the SQLite baseline against PostgreSQL's migrations", () => {
  let sqlite: Db;
  let postgres: Db;

  beforeAll(async () => {
    sqlite = await openDb("memory://");
    postgres = await openDb(DATABASE_URL!, { schema });
    await migrate(sqlite);
    await migrate(postgres);
  });

  afterAll(async () => {
    await sqlite?.close();
    await postgres?.query(`drop schema if exists ${schema} cascade`);
    await postgres?.close();
  });

  /** Table -> its columns in order, each with whether it takes null and whether it has a default. */
  async function shape(db: Db, inSchema?: string) {
    const tables = (await db.kysely.introspection.getTables()).filter((t) => inSchema === undefined || t.schema === inSchema);
    return Object.fromEntries(
      tables
        .map(
          (t) =>
            [
              t.name,
              // An identity (bigserial, INTEGER PRIMARY KEY AUTOINCREMENT) is neither null nor a default of its own.
              t.columns.map(
                (c) =>
                  `${c.name}${c.isAutoIncrementing ? " identity" : `${c.isNullable ? " null" : ""}${c.hasDefaultValue ? " default" : ""}`}`,
              ),
            ] as const,
        )
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  }

  it("has the same tables, columns, nullability and defaults", async () => {
    const expected = await shape(postgres, schema);
    expect(Object.keys(expected)).toHaveLength(17);
    expect(await shape(sqlite)).toEqual(expected);
  });

  it("has the same named indexes, unique where PostgreSQL's are", async () => {
    const pg = await postgres.query<{ name: string; definition: string }>(
      `select indexname as name, indexdef as definition from pg_indexes where schemaname = $1 and indexname not like '%\\_pkey' and indexname <> 'licenses_key_key'`,
      [schema],
    );
    const lite = await sqlite.query<{ name: string; definition: string }>(
      `select name, sql as definition from sqlite_master where type = 'index' and sql is not null`,
    );
    const named = (rows: Array<{ name: string; definition: string }>) =>
      rows
        .map((r) => `${r.name}${/^create unique/i.test(r.definition) ? " unique" : ""}${/ where /i.test(r.definition) ? " partial" : ""}`)
        .sort();
    expect(named(lite)).toEqual(named(pg));
  });

  it("has the same foreign keys, with the same action on delete", async () => {
    const actions: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };
    const pg = await postgres.query<{ table: string; column: string; references: string; action: string }>(
      `select c.relname as "table", a.attname as "column", r.relname as "references", con.confdeltype as action
         from pg_constraint con
         join pg_class c on c.oid = con.conrelid
         join pg_namespace n on n.oid = c.relnamespace
         join pg_class r on r.oid = con.confrelid
         join pg_attribute a on a.attrelid = con.conrelid and a.attnum = any(con.conkey)
        where con.contype = 'f' and n.nspname = $1`,
      [schema],
    );
    const lite = await sqlite.query<{ table: string; column: string; references: string; action: string }>(
      `select m.name as "table", f."from" as "column", f."table" as "references", f.on_delete as action
         from sqlite_master m join pragma_foreign_key_list(m.name) f
        where m.type = 'table'`,
    );
    const keys = (rows: Array<{ table: string; column: string; references: string; action: string }>, action = (a: string) => a) =>
      rows.map((r) => `${r.table}.${r.column} -> ${r.references} on delete ${action(r.action)}`).sort();
    expect(keys(pg, (a) => actions[a]!)).toContain("webhooks.key_id -> api_keys on delete CASCADE");
    expect(keys(lite)).toEqual(keys(pg, (a) => actions[a]!));
  });
});
