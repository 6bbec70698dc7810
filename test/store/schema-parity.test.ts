import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrate.js";

/**
 * SQLite's baseline builds, in one step, the schema PostgreSQL reaches through migrations 1 to 5: the same tables,
 * columns in the same order, nullability and defaults, and the same named indexes. Needs DATABASE_URL.
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
});
