import type { Selectable } from "kysely";
import type { IdempotencyKeysTable } from "./database.js";
import type { Db } from "./db.js";
import { fromJson, toDate, toJson } from "./dialect.js";

export interface IdempotencyRow {
  principal: string;
  operation: string;
  key: string;
  inputHash: string;
  state: "pending" | "done";
  result: unknown;
  createdAt: Date;
}

const ROW = ["principal", "operation", "key", "input_hash", "state", "result", "created_at"] as const;

const toRow = (r: Pick<Selectable<IdempotencyKeysTable>, (typeof ROW)[number]>): IdempotencyRow => ({
  principal: r.principal,
  operation: r.operation,
  key: r.key,
  inputHash: r.input_hash,
  state: r.state,
  result: fromJson(r.result),
  createdAt: toDate(r.created_at),
});

export type IdempotencyQueries = ReturnType<typeof idempotencyQueries>;

/** How long a key is remembered. A day covers any client's retry loop. */
const RETENTION_MS = 86_400_000;
/**
 * How often expired rows are deleted. Not on every mutation: that was one more store query per write (on the
 * embedded store, ~0.4 ms of CPU each). Expiry itself does not wait for it: `begin` takes over an expired row.
 */
const PRUNE_EVERY_MS = 60_000;

/**
 * `principal` is whatever the caller keys results by: since results are kept per scope, the guard's
 * `scope:<hash>:<principal id>` (src/federation/idempotency.ts); rows of earlier releases hold the bare id and so
 * never match a lookup of this one. The column kept its name so that a release still writing bare ids works on
 * the same table during a rolling upgrade: no migration.
 */
export function idempotencyQueries(db: Db) {
  const { kysely, dialect } = db;
  let prunedAt = 0;
  const one = (principal: string, operation: string, key: string) =>
    kysely
      .selectFrom("idempotency_keys")
      .select(ROW)
      .where("principal", "=", principal)
      .where("operation", "=", operation)
      .where("key", "=", key);
  return {
    /**
     * Claims the key for this request: returns null when it was free or had expired (the caller runs the
     * mutation), or the row another request already holds (pending or done). The insert's conflict decides races.
     */
    async begin(principal: string, operation: string, key: string, inputHash: string): Promise<IdempotencyRow | null> {
      if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await kysely.deleteFrom("idempotency_keys").where("created_at", "<", dialect.ago(RETENTION_MS)).execute();
      }
      const now = dialect.now();
      const inserted = await kysely
        .insertInto("idempotency_keys")
        .values({ principal, operation, key, input_hash: inputHash, created_at: now })
        .onConflict((oc) =>
          oc
            .columns(["principal", "operation", "key"])
            .doUpdateSet((eb) => ({
              input_hash: eb.ref("excluded.input_hash"),
              state: "pending",
              result: null,
              created_at: now,
              completed_at: null,
            }))
            .where("idempotency_keys.created_at", "<", dialect.ago(RETENTION_MS)),
        )
        .returning("key")
        .execute();
      if (inserted.length > 0) return null;
      return this.get(principal, operation, key);
    },

    async get(principal: string, operation: string, key: string): Promise<IdempotencyRow | null> {
      const row = await one(principal, operation, key).executeTakeFirst();
      return row === undefined ? null : toRow(row);
    },

    async complete(principal: string, operation: string, key: string, result: unknown): Promise<void> {
      await kysely
        .updateTable("idempotency_keys")
        .set({ state: "done", result: toJson(result), completed_at: dialect.now() })
        .where("principal", "=", principal)
        .where("operation", "=", operation)
        .where("key", "=", key)
        .execute();
    },

    /** Frees a key whose first request failed before the upstream call, so the client can try again. */
    async release(principal: string, operation: string, key: string): Promise<void> {
      await kysely
        .deleteFrom("idempotency_keys")
        .where("principal", "=", principal)
        .where("operation", "=", operation)
        .where("key", "=", key)
        .where("state", "=", "pending")
        .execute();
    },
  };
}
