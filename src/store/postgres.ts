import { CompiledQuery, PostgresDialect, sql, type SqlBool } from "kysely";
import { SERIAL_COLUMNS, type Dialect, type OpenedEngine } from "./dialect.js";
import { encoded } from "./parameter.js";
import { redactUrl, sqlState } from "./errors.js";

/** Default `pg.Pool` size; override with `?pool_max=` in the URL. */
const DEFAULT_POOL_MAX = 10;
const PG_INT8 = 20;
const PG_JSON = 114;
const PG_JSONB = 3802;

/**
 * An arbitrary constant ("lg" + "mig" in ASCII) naming the advisory lock that serialises migrators. It is
 * database-wide, so migrators of different schemas in one database also wait for each other: harmless.
 */
const MIGRATION_LOCK = 0x6c676d6967;
/** The event log's appends (Dialect.lockEventLog): "lgevt". */
const EVENT_LOG_LOCK = 0x6c67657674;

/**
 * A `pg.Pool` for `url`, its connections' search_path set to `schema` (created if missing) when one is given.
 * int8 (bigserial, count(*)) is parsed to a number, and json to nothing: the query modules parse JSON text the
 * same way on both engines (database.ts).
 */
export async function openPostgres(url: string, schema: string | undefined): Promise<OpenedEngine> {
  // Loaded here, not with the module: a gateway on SQLite never loads the PostgreSQL driver (~40 ms at start).
  const { default: pg } = await import("pg");
  const parsed = new URL(url);
  const poolMaxParam = parsed.searchParams.get("pool_max");
  const max = poolMaxParam === null ? DEFAULT_POOL_MAX : Number(poolMaxParam);
  if (!Number.isInteger(max) || max < 1) {
    throw new Error(`invalid pool_max ${JSON.stringify(poolMaxParam)} in store URL ${redactUrl(url)}: expected a positive integer`);
  }
  // pg does not know pool_max; and a connection string's own `options` would override ours, so merge them here.
  parsed.searchParams.delete("pool_max");
  let pgOptions = parsed.searchParams.get("options") ?? undefined;
  parsed.searchParams.delete("options");
  if (schema !== undefined) pgOptions = `${pgOptions ?? ""} -c search_path=${schema}`.trim();

  const parsers: Record<number, (value: string) => unknown> = { [PG_INT8]: Number, [PG_JSON]: (v) => v, [PG_JSONB]: (v) => v };
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max,
    options: pgOptions,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client can fail (server restart, network); without a listener that would crash the process. The
  // pool drops that client and the next query opens a fresh connection, so there is nothing more to do here.
  pool.on("error", () => {});

  if (schema !== undefined) {
    try {
      await pool.query(`create schema if not exists ${schema}`);
    } catch (error) {
      // Two processes creating the same schema at once: the loser gets a unique violation; the schema exists.
      if (sqlState(error) !== "23505" && sqlState(error) !== "42P06") {
        await pool.end();
        throw error;
      }
    }
  }
  return { kyselyDialect: new PostgresDialect({ pool }), dialect: postgresDialect };
}

const postgresDialect: Dialect = {
  engine: "postgres",
  now: () => sql<Date>`now()`,
  ago: (ms) => sql<Date>`now() - ${`${ms} milliseconds`}::interval`,
  anyOf: (column, values, type = "text") => sql<SqlBool>`${sql.ref(column)} = any(${encoded(values, (v) => [...v])}::${sql.raw(type)}[])`,
  pairIn: ([first, second], pairs) =>
    sql<SqlBool>`(${sql.ref(first)}, ${sql.ref(second)}) in (select * from unnest(${encoded(pairs, (p) => p.map((pair) => pair[0]))}::text[], ${encoded(pairs, (p) => p.map((pair) => pair[1]))}::text[]))`,
  sortedJsonArray: (column) => sql<string>`coalesce(json_agg(${sql.ref(column)} order by ${sql.ref(column)}), '[]'::json)`,
  tableExists: async (db, table) =>
    (await sql<{ found: boolean }>`select to_regclass(${table}) is not null as found`.execute(db)).rows[0]!.found,
  migrationsTable: `create table if not exists schema_migrations (
    version int primary key,
    name text not null,
    applied_at timestamptz not null default now()
  )`,
  lockMigrations: async (db) => void (await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(db)),
  lockEventLog: async (db) => void (await sql`select pg_advisory_xact_lock(${EVENT_LOG_LOCK})`.execute(db)),
  afterExplicitIds: async (db, table) => {
    const column = SERIAL_COLUMNS[table];
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${sql.ref(column)}), 0) + 1, false) from ${sql.table(table)}`.execute(
      db,
    );
  },
  raw: (text, params) => CompiledQuery.raw(text, [...params]),
};
