import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { openDb, SCHEMA_NAME } from "./db.js";
import { redactUrl } from "./errors.js";
import { appliedMigrations } from "./migrate.js";

/** A store read for `copyStore`: the gateway's own engines, or a PGlite directory of an earlier release. */
export interface RowSource {
  /** The source's URL without its password, for messages. */
  readonly description: string;
  /** The versions in its schema_migrations; null when it has no such table (it is not a store). */
  versions(): Promise<number[] | null>;
  /** Every row of `table`; null when the source has no such table (a store of an earlier version). */
  rows(table: string): Promise<Array<Record<string, unknown>> | null>;
  close(): Promise<void>;
}

/** Opens the store at `url` for reading: `pglite://<dir>`, `sqlite://<file>` or `postgres://...` (in `schema`). */
export async function openRowSource(url: string, schema: string | undefined): Promise<RowSource> {
  if (url.startsWith("pglite://")) return openPglite(url.slice("pglite://".length), schema);
  if (url.startsWith("sqlite://") && !existsSync(resolve(url.slice("sqlite://".length)))) {
    // Opening would create an empty file where the operator expected a store.
    throw new Error(`there is no SQLite store at ${url}`);
  }
  const db = await openDb(url, schema === undefined ? {} : { schema });
  return {
    description: redactUrl(url),
    async versions() {
      if (!(await db.dialect.tableExists(db.kysely, "schema_migrations"))) return null;
      return (await appliedMigrations(db)).map((m) => m.version);
    },
    // The table names come from the copy's own list, never from input.
    rows: async (table) => ((await db.dialect.tableExists(db.kysely, table)) ? db.query(`select * from ${table}`) : null),
    close: () => db.close(),
  };
}

/**
 * A PGlite directory, read with PGlite itself (the PostgreSQL it wrote, compiled to WASM). Its int8 values come as
 * numbers and its JSON as text, as the gateway's engines give them; timestamps come as Dates (milliseconds: all the
 * gateway ever read of them).
 */
async function openPglite(path: string, schema: string | undefined): Promise<RowSource> {
  const dir = resolve(path);
  // PGlite would create a new, empty database in a directory that holds none.
  if (!existsSync(join(dir, "PG_VERSION"))) throw new Error(`there is no PGlite store at pglite://${path} (no PG_VERSION file in ${dir})`);
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new Error(`invalid schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  // An optional dependency, loaded here alone: the gateway never loads it.
  const { PGlite, types } = await import("@electric-sql/pglite").catch(() => {
    throw new Error(
      "reading a pglite:// store needs the optional package @electric-sql/pglite: install it with `npm install @electric-sql/pglite@0.5`, then run this again",
    );
  });
  const text = (value: string) => value;
  const pglite = await PGlite.create({ dataDir: dir, parsers: { [types.INT8]: Number, [types.JSON]: text, [types.JSONB]: text } });
  // The earlier release kept a configured schema's tables in it, on its one connection's search_path.
  if (schema !== undefined) await pglite.exec(`set search_path to ${schema}`);
  const hasTable = async (table: string) =>
    (await pglite.query(`select 1 from information_schema.tables where table_schema = current_schema() and table_name = $1`, [table])).rows
      .length > 0;
  return {
    description: `pglite://${path}`,
    async versions() {
      if (!(await hasTable("schema_migrations"))) return null;
      return (await pglite.query<{ version: number }>("select version from schema_migrations order by version")).rows.map((r) => r.version);
    },
    rows: async (table) => ((await hasTable(table)) ? (await pglite.query<Record<string, unknown>>(`select * from ${table}`)).rows : null),
    close: () => pglite.close(),
  };
}
