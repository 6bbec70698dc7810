import { CompiledQuery, Kysely, type LogEvent } from "kysely";
import type { Database } from "./database.js";
import type { Dialect, Engine, ReadNow } from "./dialect.js";
import { openPostgres } from "./postgres.js";
import { openSqlite } from "./sqlite.js";
import { storeLocation } from "./store-url.js";

export { redactUrl, sqlState } from "./errors.js";

/**
 * The one database interface the queries use, whichever engine is behind it. Every query module takes a `Db`,
 * so the same code runs on the root connection and, rebound, inside a transaction.
 */
export interface Db {
  readonly engine: Engine;
  /** The query builder, bound to this Db: the root's connections, or the transaction's one connection. */
  readonly kysely: Kysely<Database>;
  /** What differs between the engines (dialect.ts). */
  readonly dialect: Dialect;
  /** Raw SQL written for this engine, with `$1`-style parameters (see `Dialect.raw`): probes, the CLI, tests. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * One select as Kysely compiled it for this engine, with its parameters: how prepared reads run (prepared.ts).
   * On SQLite outside a transaction it reads at once (sqlite.ts, `readNow`); otherwise through Kysely's driver.
   */
  read<T>(sql: string, parameters: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `fn` between BEGIN and COMMIT (ROLLBACK if it throws). Called on a transaction's own `Db`, it runs
   * `fn` in that same transaction: there are no savepoints, so an inner failure aborts the whole outer one.
   * Inside `fn`, use only `tx`: on SQLite the root `Db` waits for the transaction to end, so calling it from
   * inside would never return.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /**
   * A PostgreSQL schema to keep every table in, created if missing (tests use one per file). Default: none, so
   * PostgreSQL's own search_path (usually `public`) applies. Lowercase letters, digits and `_` only, because
   * it is placed in connection options unquoted. SQLite has no schemas: refused there.
   */
  schema?: string;
  /**
   * Called after each query (transactions' included) with its SQL and duration in ms, succeeded or not: the
   * store-latency metric. Default: none, and queries are not timed at all.
   */
  onQuery?: ((sql: string, ms: number) => void) | undefined;
}

/** A schema name that can go into connection options and statements unquoted. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens `sqlite://<path>` (a SQLite file, its directory created), `memory://` (SQLite in memory) or
 * `postgres://` / `postgresql://` (a `pg.Pool`); refuses `pglite://` with the way to move its data (store-url.ts).
 * Both engines return timestamps as `Date` once decoded (dialect.ts), counts and int8 as `number`.
 */
export async function openDb(url: string, options: OpenDbOptions = {}): Promise<Db> {
  const { schema, onQuery } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid store schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  }
  const location = storeLocation(url);
  if (location.engine === "sqlite" && schema !== undefined) {
    throw new Error("store.schema names a PostgreSQL schema; a SQLite store has none: remove it, or use a postgres:// URL");
  }
  const { kyselyDialect, dialect, readNow } =
    location.engine === "sqlite" ? await openSqlite(location.file) : await openPostgres(location.url, schema);
  const log = onQuery && ((event: LogEvent) => onQuery(event.query.sql, event.queryDurationMillis));
  const kysely = new Kysely<Database>({ dialect: kyselyDialect, ...(log ? { log } : {}) });
  // Kysely starts its driver at the first query, and `destroy` leaves a driver never started alone: connect now,
  // so that an open Db is a connected one, an unreachable store fails here, and `close` always releases it.
  try {
    await kysely.executeQuery(CompiledQuery.raw("select 1"));
  } catch (error) {
    await kysely.destroy().catch(() => {});
    throw error;
  }
  return bindDb(kysely, dialect, () => kysely.destroy(), readNow && readingNow(readNow, kysely, onQuery));
}

function bindDb(kysely: Kysely<Database>, dialect: Dialect, close: () => Promise<void>, read: Db["read"] = throughKysely(kysely)): Db {
  const db: Db = {
    engine: dialect.engine,
    kysely,
    dialect,
    query: async <T>(text: string, params: readonly unknown[] = []) =>
      (await kysely.executeQuery<T>(dialect.raw(text, params))).rows as T[],
    read,
    // A transaction's reads go through its own connection, which it holds from BEGIN to COMMIT: never `readNow`.
    transaction: kysely.isTransaction
      ? (fn) => fn(db)
      : (fn) =>
          kysely
            .transaction()
            .execute((tx) => fn(bindDb(tx, dialect, () => Promise.reject(new Error("close the root Db, not a transaction"))))),
    close,
  };
  return db;
}

function throughKysely(kysely: Kysely<Database>): Db["read"] {
  return async <T>(text: string, parameters: readonly unknown[]) =>
    (await kysely.executeQuery<T>(CompiledQuery.raw(text, [...parameters]))).rows as T[];
}

/**
 * Reads through `readNow` when it can answer at once, else through Kysely. Kysely's log reports only the queries
 * its driver runs, so the ones read at once are reported to `onQuery` here, succeeded or not, as it would.
 */
function readingNow(readNow: ReadNow, kysely: Kysely<Database>, onQuery: OpenDbOptions["onQuery"]): Db["read"] {
  const later = throughKysely(kysely);
  return async <T>(text: string, parameters: readonly unknown[]) => {
    const started = onQuery ? performance.now() : 0;
    let rows: unknown[] | undefined;
    try {
      rows = readNow(text, parameters);
    } catch (error) {
      onQuery?.(text, performance.now() - started);
      throw error;
    }
    if (rows === undefined) return later<T>(text, parameters);
    onQuery?.(text, performance.now() - started);
    return rows as T[];
  };
}
