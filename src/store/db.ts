import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { PGlite, types as pgliteTypes, type Transaction as PGliteTransaction } from "@electric-sql/pglite";
import pg from "pg";

/**
 * The one database interface the queries use, whichever engine is behind it. Every query module takes a `Db`,
 * so the same code runs on the root connection and, rebound, inside a transaction.
 */
export interface Db {
  readonly engine: "pglite" | "postgres";
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Runs `fn` between BEGIN and COMMIT (ROLLBACK if it throws). Called on a transaction's own `Db`, it runs
   * `fn` in that same transaction: there are no savepoints, so an inner failure aborts the whole outer one.
   * Inside `fn`, use only `tx`: on PGlite the root `Db` waits for the transaction to end, so calling it from
   * inside would never return.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /**
   * A schema to keep every table in, created if missing (tests use one per file). Default: none, so
   * PostgreSQL's own search_path (usually `public`) applies. Lowercase letters, digits and `_` only, because
   * it is placed in connection options unquoted.
   */
  schema?: string;
  /**
   * Called after each query (transactions' included) with its SQL and duration in ms, succeeded or not: the
   * store-latency metric. Default: none, and queries are not wrapped at all.
   */
  onQuery?: ((sql: string, ms: number) => void) | undefined;
}

/** Default `pg.Pool` size; override with `?pool_max=` in the URL. */
const DEFAULT_POOL_MAX = 10;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const PG_INT8 = 20;

/**
 * Opens `memory://` (PGlite in memory), `pglite://<path>` (PGlite on disk, relative to the working directory
 * or absolute; directories are created) or `postgres://` / `postgresql://` (a `pg.Pool`).
 * Both engines return timestamptz as `Date`, int8 (bigserial, count(*)) as `number`, and jsonb parsed.
 */
export async function openDb(url: string, options: OpenDbOptions = {}): Promise<Db> {
  const db = await openEngine(url, options);
  return options.onQuery ? timed(db, options.onQuery) : db;
}

/**
 * `db` with every query timed for `onQuery`. The caller gets the engine's own promise: timing adds a clock read
 * before and a reaction after, not a layer of awaiting.
 */
function timed(db: Db, onQuery: (sql: string, ms: number) => void): Db {
  return {
    engine: db.engine,
    query: <T>(sql: string, params?: unknown[]) => {
      const started = performance.now();
      const result = db.query<T>(sql, params);
      const done = () => onQuery(sql, performance.now() - started);
      result.then(done, done);
      return result;
    },
    transaction: (fn) => db.transaction((tx) => fn(timed(tx, onQuery))),
    close: () => db.close(),
  };
}

async function openEngine(url: string, options: OpenDbOptions): Promise<Db> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid store schema name ${JSON.stringify(schema)}: use lowercase letters, digits and _`);
  }
  if (url.startsWith("memory://")) return openPglite(undefined, schema);
  if (url.startsWith("pglite://")) {
    const path = url.slice("pglite://".length);
    if (path === "") throw new Error(`store URL ${redactUrl(url)} has no path; e.g. pglite://./data/store`);
    const dir = resolve(path);
    await mkdir(dir, { recursive: true });
    return openPglite(dir, schema);
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return openPostgres(url, schema);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `unsupported store URL scheme ${scheme === undefined ? "(none)" : `"${scheme}:"`} in ${redactUrl(url)}; ` +
      "expected memory://, pglite://<path>, postgres:// or postgresql://",
  );
}

/** Replaces `user:password@` so a URL can go into a message or a log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, "//***@");
}

/** The SQLSTATE of a database error (`23505` unique violation, `23503` foreign key), on either engine. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

async function openPglite(dataDir: string | undefined, schema: string | undefined): Promise<Db> {
  // PGlite parses int8 to BigInt by default; our int8 values (audit ids, counts) fit a double.
  const pglite = await PGlite.create({ dataDir, parsers: { [pgliteTypes.INT8]: (v: string) => Number(v) } });
  if (schema !== undefined) {
    // PGlite is one session, so a session-level search_path holds for every later query.
    await pglite.exec(`create schema if not exists ${schema}; set search_path to ${schema}`);
  }
  const txDb = (tx: PGliteTransaction): Db => {
    const db: Db = {
      engine: "pglite",
      query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
      transaction: (fn) => fn(db),
      close: () => Promise.reject(new Error("close the root Db, not a transaction")),
    };
    return db;
  };
  return {
    engine: "pglite",
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
    // PGlite queues other queries behind an open transaction, so concurrent callers never interleave in it.
    transaction: (fn) => pglite.transaction((tx) => fn(txDb(tx))),
    close: () => pglite.close(),
  };
}

async function openPostgres(url: string, schema: string | undefined): Promise<Db> {
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

  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max,
    options: pgOptions,
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser },
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

  const clientDb = (client: pg.PoolClient): Db => {
    const db: Db = {
      engine: "postgres",
      query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
      transaction: (fn) => fn(db),
      close: () => Promise.reject(new Error("close the root Db, not a transaction")),
    };
    return db;
  };
  return {
    engine: "postgres",
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T[],
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(clientDb(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is in an unknown state: destroy it rather than reuse it.
        await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
