import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { openDb, type Db } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrate.js";
import { bindStore, type Store } from "../../src/store/store.js";

export interface Engine {
  name: "sqlite" | "postgres";
  url: string;
}

/** SQLite in memory always; PostgreSQL too when DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test). */
export const engines: Engine[] = [
  { name: "sqlite", url: "memory://" },
  ...(process.env.DATABASE_URL ? [{ name: "postgres" as const, url: process.env.DATABASE_URL }] : []),
];

export interface EngineContext {
  /** The file's database: one SQLite in memory, or one pool on the file's own PostgreSQL schema. */
  readonly db: Db;
  readonly store: Store;
  /** Another connection to the same data: a new pool on PostgreSQL, the same database on SQLite in memory (one connection). */
  connect(): Promise<Db>;
}

/**
 * Opens the engine once for the calling `describe` and cleans up after it.
 * On PostgreSQL each call gets a fresh schema `lg_test_<random>`, dropped afterwards, so files run in parallel
 * without seeing each other's rows. Call inside `describe.each(engines)`.
 */
export function useEngine(engine: Engine, options: { migrate?: boolean } = {}): EngineContext {
  const schema = engine.name === "postgres" ? `lg_test_${randomBytes(6).toString("hex")}` : undefined;
  const opened: Db[] = [];
  let db: Db | undefined;
  let store: Store | undefined;

  beforeAll(async () => {
    db = await openDb(engine.url, { schema });
    opened.push(db);
    if (options.migrate ?? true) await migrate(db);
    store = bindStore(db);
  });

  afterAll(async () => {
    for (const each of opened) await each.close().catch(() => {});
    if (schema !== undefined) {
      const admin = await openDb(engine.url);
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.close();
    }
  });

  return {
    get db() {
      if (!db) throw new Error("the engine is opened in beforeAll");
      return db;
    },
    get store() {
      if (!store) throw new Error("the engine is opened in beforeAll");
      return store;
    },
    async connect() {
      if (engine.name === "sqlite") return { ...this.db, close: async () => {} };
      const another = await openDb(engine.url, { schema });
      opened.push(another);
      return another;
    },
  };
}

/** A short random suffix so tests sharing one database do not collide. */
export const unique = (prefix: string): string => `${prefix}-${randomBytes(4).toString("hex")}`;
