import type { Db } from "./db.js";
import * as m001 from "./migrations/001_initial.js";
import * as m002 from "./migrations/002_claims_per_vendor.js";
import * as m003 from "./migrations/003_auth.js";
import * as m004 from "./migrations/004_idempotency.js";
import * as m005 from "./migrations/005_trusted_documents.js";

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * Every migration, in order. Add new ones at the end with the next version; never edit an applied one. Each must
 * keep the previous release working on the migrated schema (add, never drop or rename in the same release: expand
 * now, contract a release later): during a rolling upgrade old replicas serve on it, and stay ready (/readyz).
 */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005];

/**
 * An arbitrary constant ("lg" + "mig" in ASCII) naming the advisory lock that serialises migrators. It is
 * database-wide, so migrators of different schemas in one database also wait for each other: harmless.
 */
const MIGRATION_LOCK = 0x6c676d6967;

/**
 * Applies each migration not yet recorded in `schema_migrations`, each in its own transaction. Safe when
 * several processes start together: each transaction first takes the advisory lock, then re-reads what is
 * applied, so a migration another process applied while we waited is skipped, not run twice.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: number[] }> {
  const applied: number[] = [];
  for (const migration of migrations) {
    const ran = await db.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // Created under the lock: two concurrent `create table if not exists` can still collide on PostgreSQL.
      await tx.query(
        `create table if not exists schema_migrations (
          version int primary key,
          name text not null,
          applied_at timestamptz not null default now()
        )`,
      );
      const done = await tx.query("select 1 from schema_migrations where version = $1", [migration.version]);
      if (done.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return { applied };
}
