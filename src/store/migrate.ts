import { sql } from "kysely";
import type { Db } from "./db.js";
import { toDate } from "./dialect.js";
import * as m001 from "./migrations/001_initial.js";
import * as m002 from "./migrations/002_claims_per_vendor.js";
import * as m003 from "./migrations/003_auth.js";
import * as m004 from "./migrations/004_idempotency.js";
import * as m005 from "./migrations/005_trusted_documents.js";
import * as m006 from "./migrations/006_license_index.js";
import * as sqliteBaseline from "./migrations/sqlite-baseline.js";

export interface Migration {
  version: number;
  name: string;
  /** PostgreSQL's statements, one per string. */
  statements: readonly string[];
  /**
   * SQLite's statements: required after the SQLite baseline (version 5), which stands for the versions before it.
   * Written for the same schema as `statements`; the store's contract tests run on both engines.
   */
  sqlite?: readonly string[];
}

/**
 * Every migration, in order. Add new ones at the end with the next version; never edit an applied one. Each must
 * keep the previous release working on the migrated schema (add, never drop or rename in the same release: expand
 * now, contract a release later): during a rolling upgrade old replicas serve on it, and stay ready (/readyz).
 */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006];

/** What one transaction of `migrate` applies and records. */
interface Step {
  versions: readonly Migration[];
  statements: readonly string[];
}

/**
 * PostgreSQL replays its history, one migration a step. SQLite begins at the baseline, one step for versions 1 to
 * 5, then one step per later migration.
 */
function stepsFor(db: Db, migrations: readonly Migration[]): Step[] {
  if (db.engine === "postgres") return migrations.map((m) => ({ versions: [m], statements: m.statements }));
  const baseline = migrations.filter((m) => m.version <= sqliteBaseline.BASELINE_VERSION);
  const later = migrations.filter((m) => m.version > sqliteBaseline.BASELINE_VERSION);
  return [
    ...(baseline.length > 0 ? [{ versions: baseline, statements: sqliteBaseline.statements }] : []),
    ...later.map((m) => {
      if (m.sqlite === undefined) throw new Error(`migration ${m.version} (${m.name}) has no SQLite statements`);
      return { versions: [m], statements: m.sqlite };
    }),
  ];
}

/**
 * Applies each migration not yet recorded in `schema_migrations`, each step in its own transaction. Safe when
 * several processes start together: each transaction first takes the migration lock (an advisory lock on
 * PostgreSQL; on SQLite, the write lock BEGIN IMMEDIATE holds), then re-reads what is applied, so a migration
 * another process applied while we waited is skipped, not run twice.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<{ applied: number[] }> {
  const applied: number[] = [];
  for (const step of stepsFor(db, migrations)) {
    const ran = await db.transaction(async (tx) => {
      await tx.dialect.lockMigrations(tx.kysely);
      // Created under the lock: two concurrent `create table if not exists` can still collide on PostgreSQL.
      await sql.raw(tx.dialect.migrationsTable).execute(tx.kysely);
      const versions = step.versions.map((m) => m.version);
      const done = await tx.kysely.selectFrom("schema_migrations").select("version").where("version", "in", versions).execute();
      if (done.length === versions.length) return false;
      if (done.length > 0)
        throw new Error(`the store has some of migrations ${versions.join(", ")} but not all: it was not made by this gateway`);
      for (const statement of step.statements) await sql.raw(statement).execute(tx.kysely);
      await tx.kysely
        .insertInto("schema_migrations")
        .values(step.versions.map((m) => ({ version: m.version, name: m.name, applied_at: tx.dialect.now() })))
        .execute();
      return true;
    });
    if (ran) applied.push(...step.versions.map((m) => m.version));
  }
  return { applied };
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: Date;
}

/** The migrations recorded in the store, oldest first; none for a new, empty store. */
export async function appliedMigrations(db: Db): Promise<AppliedMigration[]> {
  if (!(await db.dialect.tableExists(db.kysely, "schema_migrations"))) return [];
  const rows = await db.kysely.selectFrom("schema_migrations").select(["version", "name", "applied_at"]).orderBy("version").execute();
  return rows.map((r) => ({ version: r.version, name: r.name, appliedAt: toDate(r.applied_at) }));
}
