import type { Db } from "./db.js";

export type LeaseQueries = ReturnType<typeof leaseQueries>;

/**
 * Named leases with an expiry: who runs the sync of a source, one replica at a time on PostgreSQL (the embedded
 * store is one process, where the holder always gets it). Times are the database's (`Dialect.now`, `ago`), so the
 * replicas' own clocks do not matter.
 */
export function leaseQueries(db: Db) {
  const { kysely, dialect } = db;
  return {
    /**
     * Takes the lease `name` for `ttlMs` if it is free or expired, or renews it if `holder` holds it; says whether
     * `holder` holds it now. One statement, an upsert whose update applies only then: two replicas racing for a
     * free or expired lease meet on its row (the primary key; PostgreSQL re-checks the condition against the row
     * the winner wrote), so exactly one gets a row back.
     */
    async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
      if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`leases.tryAcquire needs a positive ttlMs, got ${ttlMs}`);
      // `ago` of a negative time: ttlMs from now.
      const expiresAt = dialect.ago(-Math.round(ttlMs));
      const row = await kysely
        .insertInto("leases")
        .values({ name, holder, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .column("name")
            .doUpdateSet((eb) => ({ holder: eb.ref("excluded.holder"), expires_at: eb.ref("excluded.expires_at") }))
            .where((eb) => eb.or([eb("leases.expires_at", "<=", dialect.now()), eb("leases.holder", "=", eb.ref("excluded.holder"))])),
        )
        .returning("holder")
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Gives the lease up if `holder` holds it, so another replica need not wait for it to expire. */
    async release(name: string, holder: string): Promise<void> {
      await kysely.deleteFrom("leases").where("name", "=", name).where("holder", "=", holder).execute();
    },
  };
}
