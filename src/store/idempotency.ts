import type { Db } from "./db.js";

export interface IdempotencyRow {
  principal: string;
  operation: string;
  key: string;
  inputHash: string;
  state: "pending" | "done";
  result: unknown;
  createdAt: Date;
}

const ROW = `principal, operation, key, input_hash as "inputHash", state, result, created_at as "createdAt"`;

export type IdempotencyQueries = ReturnType<typeof idempotencyQueries>;

/** How long a key is remembered. A day covers any client's retry loop. */
const RETENTION = "1 day";
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
  let prunedAt = 0;
  return {
    /**
     * Claims the key for this request: returns null when it was free or had expired (the caller runs the
     * mutation), or the row another request already holds (pending or done). The insert's conflict decides races.
     */
    async begin(principal: string, operation: string, key: string, inputHash: string): Promise<IdempotencyRow | null> {
      if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = Date.now();
        await db.query(`delete from idempotency_keys where created_at < now() - interval '${RETENTION}'`);
      }
      const inserted = await db.query(
        `insert into idempotency_keys (principal, operation, key, input_hash) values ($1, $2, $3, $4)
         on conflict (principal, operation, key) do update
           set input_hash = excluded.input_hash, state = 'pending', result = null, created_at = now(), completed_at = null
           where idempotency_keys.created_at < now() - interval '${RETENTION}'
         returning key`,
        [principal, operation, key, inputHash],
      );
      if (inserted.length > 0) return null;
      return this.get(principal, operation, key);
    },

    async get(principal: string, operation: string, key: string): Promise<IdempotencyRow | null> {
      const [row] = await db.query<IdempotencyRow>(`select ${ROW} from idempotency_keys where principal = $1 and operation = $2 and key = $3`, [
        principal,
        operation,
        key,
      ]);
      return row ?? null;
    },

    async complete(principal: string, operation: string, key: string, result: unknown): Promise<void> {
      await db.query(
        `update idempotency_keys set state = 'done', result = $4::jsonb, completed_at = now() where principal = $1 and operation = $2 and key = $3`,
        [principal, operation, key, JSON.stringify(result)],
      );
    },

    /** Frees a key whose first request failed before the upstream call, so the client can try again. */
    async release(principal: string, operation: string, key: string): Promise<void> {
      await db.query(`delete from idempotency_keys where principal = $1 and operation = $2 and key = $3 and state = 'pending'`, [principal, operation, key]);
    },
  };
}
