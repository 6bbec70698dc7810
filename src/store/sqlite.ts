import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqlBool,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from "kysely";
import type { Dialect, OpenedEngine, ReadNow } from "./dialect.js";
import { encoded } from "./parameter.js";
import { SQLITE_NOW_DEFAULT, sqliteNow, sqliteTimestamp } from "./sqlite-time.js";

/** How long a write waits for another process's write lock (the CLI's, a copy's) before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept per database, least recently used dropped first; the store has a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens SQLite through better-sqlite3: a file (its directory created), or memory when `file` is null.
 *
 * better-sqlite3 is synchronous: a query runs to its end on the event loop, in microseconds for the store's
 * indexed reads, which is cheaper than any hand-off to a thread. Kysely's SQLite driver has one connection and
 * lends it to one caller at a time (its connection mutex): a transaction holds it from BEGIN to COMMIT, so other
 * callers' queries wait behind the whole transaction and never interleave with it (the hot reads skip the
 * mutex when no transaction is open: see `readNowOn`). That single connection is what `select ... for update`
 * gives on PostgreSQL: nothing else in the process reads or writes in between. Other processes on the same file
 * (the CLI) are kept out by BEGIN IMMEDIATE, which takes the file's write lock at the start rather than at the
 * first write, so two transactions that read then write cannot both read first.
 */
export async function openSqlite(file: string | null): Promise<OpenedEngine> {
  // Loaded here, not with the module: a gateway on PostgreSQL never loads SQLite's native module.
  const { default: Database } = await import("better-sqlite3");
  const path = file === null ? ":memory:" : resolve(file);
  if (file !== null) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    configure(db, file !== null);
  } catch (error) {
    db.close();
    throw error;
  }
  const statements = statementsOf(db);
  return {
    kyselyDialect: new ImmediateTransactionsDialect({ database: statements }),
    dialect: sqliteDialect,
    readNow: readNowOn(db, statements),
  };
}

/**
 * A select run at once, outside Kysely's driver and its connection mutex, which cost more CPU than the indexed
 * reads they carry: promises to take and release the connection, and every waiter woken at each release when
 * reads are many. Measured with bench/store-figures.ts (CPU per call, on top of compiling once): a customer by id
 * from 11-13 µs to 7.5-11, an operation's two reads with 20 operations in flight from 21 to 12 per operation.
 * Only when no transaction is open on the connection; else undefined, and the read queues through Kysely as
 * before. Why that keeps every read consistent:
 * - better-sqlite3 runs the statement to its end before returning, so nothing else can run in its middle.
 * - A transaction is open on the one connection from BEGIN to COMMIT or ROLLBACK, across awaits (SQLite's own
 *   flag, `inTransaction`, says so). A statement run then would run inside it: it would see the transaction's
 *   writes before they commit, or without them ever committing. So then the read waits for the mutex, which the
 *   transaction releases once it has ended, as every query did before.
 * - With no transaction open, the connection holds committed data only, whoever holds the mutex: a single
 *   statement (each runs whole), or a transaction before its BEGIN or after its COMMIT. The read may pass callers
 *   queued on the mutex, which only a caller that has not awaited its write could notice; on PostgreSQL's pool
 *   such a caller has no order either.
 * A closed database is left to Kysely too, so a read after close fails as every other query does.
 */
function readNowOn(db: BetterSqlite3.Database, statements: SqliteDatabase): ReadNow {
  return (text, parameters) => (db.open && !db.inTransaction ? (statements.prepare(text).all(parameters) as unknown[]) : undefined);
}

/**
 * The pragmas a server needs; SQLite's defaults are for a library embedded anywhere.
 * - foreign_keys=ON: off by default, and the schema relies on its references and cascades.
 * - journal_mode=WAL (a file only; kept in the file): readers never wait for the writer, and a commit appends to
 *   the log instead of rewriting pages, so another process (the CLI) can read while the gateway writes.
 * - synchronous=NORMAL, safe with WAL: a commit does not wait for fsync; a power cut may lose the last commits
 *   but never corrupts the database. FULL would fsync every write, for a gateway whose writes are retried.
 * - busy_timeout: wait for another process's write lock instead of failing at once. The wait blocks the event
 *   loop (better-sqlite3 is synchronous), which is why it only happens when another process writes, briefly.
 */
function configure(db: BetterSqlite3.Database, onDisk: boolean): void {
  db.pragma("foreign_keys = ON");
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (onDisk) {
    const [mode] = db.pragma("journal_mode = WAL") as Array<{ journal_mode: string }>;
    if (mode?.journal_mode !== "wal") throw new Error(`the SQLite store could not switch to WAL (journal mode ${mode?.journal_mode})`);
    db.pragma("synchronous = NORMAL");
  }
}

/**
 * The database as Kysely's driver sees it, with two things better-sqlite3 does not do by itself:
 * - statements are prepared once per SQL text (Kysely's driver prepares every call anew), and
 * - values it cannot bind are encoded as the schema stores them: a Date as timestamp text, a boolean as 0 or 1.
 */
function statementsOf(db: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(text) {
      const cached = statements.get(text);
      if (cached !== undefined) {
        statements.delete(text);
        statements.set(text, cached);
        return cached;
      }
      const prepared = db.prepare(text);
      const statement: SqliteStatement = {
        reader: prepared.reader,
        all: (params) => prepared.all(...bindable(params)),
        run: (params) => prepared.run(...bindable(params)),
        iterate: (params) => prepared.iterate(...bindable(params)),
      };
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
      return statement;
    },
  };
}

function bindable(params: readonly unknown[]): unknown[] {
  return params.map((value) => (value instanceof Date ? sqliteTimestamp(value) : typeof value === "boolean" ? Number(value) : value));
}

/** Kysely's SQLite driver with BEGIN IMMEDIATE for every transaction (see openSqlite). */
class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateTransactionsDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.#config);
  }
}

const sqliteDialect: Dialect = {
  engine: "sqlite",
  now: () => sql<Date>`${sqliteNow()}`,
  ago: (ms) => sql<Date>`${sqliteTimestamp(new Date(Date.now() - ms))}`,
  // json_each turns one JSON parameter into rows; SQLite still looks each value up through the column's index.
  anyOf: (column, values) => sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${encoded(values, JSON.stringify)}))`,
  pairIn: ([first, second], pairs) =>
    sql<SqlBool>`(${sql.ref(first)}, ${sql.ref(second)}) in (select value ->> 0, value ->> 1 from json_each(${encoded(pairs, JSON.stringify)}))`,
  sortedJsonArray: (column) => sql<string>`json_group_array(${sql.ref(column)} order by ${sql.ref(column)})`,
  tableExists: async (db, table) =>
    (await sql`select 1 from sqlite_master where type = 'table' and name = ${table}`.execute(db)).rows.length > 0,
  // INT, not INTEGER: an INTEGER PRIMARY KEY would stand for the rowid and number a row inserted without a version.
  migrationsTable: `create table if not exists schema_migrations (
    version int not null primary key,
    name text not null,
    applied_at text not null default ${SQLITE_NOW_DEFAULT}
  ) strict`,
  // Each migration's transaction begins IMMEDIATE, holding the file's write lock: other migrators wait for it.
  lockMigrations: async () => {},
  // AUTOINCREMENT remembers the largest id ever inserted, explicit ones included.
  // Every write transaction begins IMMEDIATE, holding the file's write lock until it ends.
  lockEventLog: async () => {},
  afterExplicitIds: async () => {},
  raw: (text, params) => {
    // `$1`-style placeholders become `?` in order of appearance, with the values in that order. Raw SQL is the
    // operator's and the tests': a `$` and digits inside a string literal would be taken for a placeholder too.
    const ordered: unknown[] = [];
    const converted = text.replace(/\$(\d+)/g, (_, n: string) => {
      ordered.push(params[Number(n) - 1]);
      return "?";
    });
    return CompiledQuery.raw(converted, ordered);
  },
};
