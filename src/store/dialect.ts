import type { CompiledQuery, Dialect as KyselyDialect, Kysely, RawBuilder, SqlBool } from "kysely";
import type { Database } from "./database.js";

export type Engine = "sqlite" | "postgres";

/** What opening an engine gives openDb: Kysely's dialect for it, what differs, and a way to read at once if it has one. */
export interface OpenedEngine {
  kyselyDialect: KyselyDialect;
  dialect: Dialect;
  /** SQLite only (sqlite.ts): a select run at once, synchronously, or undefined when it must wait its turn. */
  readNow?: ReadNow;
}

export type ReadNow = (sql: string, parameters: readonly unknown[]) => unknown[] | undefined;

/**
 * Where SQLite and PostgreSQL differ, behind one interface: the query modules build everything else with Kysely's
 * builder, which speaks both (upserts, `returning`, row values, `nulls last`). sqlite.ts and postgres.ts implement
 * it; besides them, only migrate.ts asks which engine it runs on (which statements to run).
 */
export interface Dialect {
  readonly engine: Engine;
  /** The current time, as a timestamp column takes it. */
  now(): RawBuilder<Date>;
  /** The time `ms` milliseconds ago. */
  ago(ms: number): RawBuilder<Date>;
  /**
   * `column` equals one of `values` (none: false). One parameter whatever the list's length, so a statement is
   * prepared once. `uuid`: the column is a uuid (PostgreSQL compares a uuid with uuids only).
   */
  anyOf(column: string, values: readonly string[], type?: "text" | "uuid"): RawBuilder<SqlBool>;
  /** `(first, second)` equals one of `pairs` (none: false). */
  pairIn(columns: readonly [string, string], pairs: ReadonlyArray<readonly [string, string]>): RawBuilder<SqlBool>;
  /** An aggregate: the group's values of `column`, sorted, as JSON array text (`[]` for an empty group). */
  sortedJsonArray(column: string): RawBuilder<string>;
  /** Whether `table` exists (on PostgreSQL, in the connection's search_path). */
  tableExists(db: Kysely<Database>, table: string): Promise<boolean>;
  /** Statements that create `schema_migrations` if it is missing. */
  readonly migrationsTable: string;
  /** Serialises migrators, first thing in each migration's transaction (see migrate.ts). */
  lockMigrations(db: Kysely<Database>): Promise<void>;
  /** After rows were inserted with explicit ids into `table`, makes the next generated id follow them (copy.ts). */
  afterExplicitIds(db: Kysely<Database>, table: "audit_log"): Promise<void>;
  /**
   * Raw SQL written for this engine, with PostgreSQL-style `$1` parameters on both (SQLite's own placeholders are
   * `?`): for probes (`select 1`), the CLI and tests. The store's own queries use the builder.
   */
  raw(sql: string, params: readonly unknown[]): CompiledQuery;
}

const EARLIEST = Date.parse("0000-01-01T00:00:00.000Z");
const LATEST = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * Whether both engines keep `date` and read it back alike: years 0 to 9999 in UTC. SQLite's timestamps are text
 * with a four-digit year (sqlite-time.ts); PostgreSQL would keep more, which the other engine could not.
 */
export function isStorableTime(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST && time <= LATEST;
}

/** A timestamp as either engine returns it (a Date from PostgreSQL, ISO-8601 text from SQLite) as a Date. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/**
 * Any value as JSON text for a json column. `undefined` (and anything JSON.stringify drops) becomes JSON null;
 * serialised here because pg would send a JS array as a PostgreSQL array literal, not JSON.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}

/** A json column's text (both engines return text: see database.ts) as a value. */
export function fromJson(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
