import type { Compilable, CompiledQuery } from "kysely";
import type { Db } from "./db.js";
import type { Engine } from "./dialect.js";
import { Parameter } from "./parameter.js";

/**
 * A read built and compiled once per engine, then run with each call's arguments (`Db.read`): for the reads every
 * operation makes (its customer, the customer's accounts, an API key, a trusted document). Building and compiling
 * a select with Kysely (its nodes frozen, then visited) cost more CPU than SQLite took to answer it, and the SQL
 * is the same for every call on an engine: only the values differ. Measured with bench/store-figures.ts (CPU per
 * call, SQLite in memory), compiling once took a customer by id from 18-24 µs to 11-13, an API key (two
 * subqueries) from 52-65 to 15-16; PostgreSQL's API key from ~225 to ~125.
 *
 * `build` receives stand-ins for its arguments (Parameter), not their values: it may only place them in the query,
 * as compared values or through the dialect's `anyOf`/`pairIn`, never look at them; and it must not depend on
 * anything else that changes (no `dialect.now()`: the first call's time would stay in the query). Work on the
 * arguments themselves (filtering, lowercasing) is done by the caller, before the call.
 */
export function prepared<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => Promise<R[]> {
  // By engine, not by Db: a transaction's Db, and every store on the same engine, compile the same SQL.
  const compiled = new Map<Engine, CompiledQuery<R>>();
  const compile = (db: Db, count: number): CompiledQuery<R> => {
    const query = build(db, ...(Array.from({ length: count }, (_, index) => new Parameter(index)) as A)).compile();
    checkBound(query, count);
    compiled.set(db.engine, query);
    return query;
  };
  return (db, ...args) => {
    try {
      const query = compiled.get(db.engine) ?? compile(db, args.length);
      return db.read<R>(
        query.sql,
        query.parameters.map((value) => (value instanceof Parameter ? value.valueIn(args) : value)),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** Every argument must reach the compiled parameters: one turned into text on the way (JSON.stringify) would be a constant. */
function checkBound(query: CompiledQuery, count: number): void {
  const bound = new Set(query.parameters.flatMap((value) => (value instanceof Parameter ? [value.index] : [])));
  for (let index = 0; index < count; index++) {
    if (!bound.has(index)) throw new Error(`prepared read: argument ${index} is not bound as a parameter of ${JSON.stringify(query.sql)}`);
  }
}
