import type { Selectable } from "kysely";
import type { SyncStateTable } from "./database.js";
import type { Db } from "./db.js";
import { toDateOrNull } from "./dialect.js";

/** What the gateway knows of one source's sync: what /readyz, the metrics and `Customer.health` tell. */
export interface SyncStateRow {
  source: string;
  lastStartedAt: Date | null;
  lastSuccessAt: Date | null;
  lastErrorAt: Date | null;
  /** The error's stable code (UPSTREAM_TIMEOUT, ...), never a vendor's message. */
  lastErrorCode: string | null;
  /** Failures since the last success: what the sync's backoff grows with. */
  consecutiveFailures: number;
  lastDurationMs: number | null;
  /** Accounts and licenses the last successful sync read; 0 before one. */
  accounts: number;
  licenses: number;
}

export type SyncStateQueries = ReturnType<typeof syncStateQueries>;

const STATE = [
  "source",
  "last_started_at",
  "last_success_at",
  "last_error_at",
  "last_error_code",
  "consecutive_failures",
  "last_duration_ms",
  "accounts",
  "licenses",
] as const;

const toState = (r: Selectable<SyncStateTable>): SyncStateRow => ({
  source: r.source,
  lastStartedAt: toDateOrNull(r.last_started_at),
  lastSuccessAt: toDateOrNull(r.last_success_at),
  lastErrorAt: toDateOrNull(r.last_error_at),
  lastErrorCode: r.last_error_code,
  consecutiveFailures: Number(r.consecutive_failures),
  lastDurationMs: r.last_duration_ms === null ? null : Number(r.last_duration_ms),
  accounts: Number(r.accounts),
  licenses: Number(r.licenses),
});

/** One row per source, made by its first record: each record is one upsert. */
export function syncStateQueries(db: Db) {
  const { kysely } = db;
  const states = () => kysely.selectFrom("sync_state").select(STATE);

  return {
    get: async (source: string): Promise<SyncStateRow | null> => {
      const row = await states().where("source", "=", source).executeTakeFirst();
      return row === undefined ? null : toState(row);
    },

    /** Every source's state, by source. */
    all: async (): Promise<SyncStateRow[]> => (await states().orderBy("source").execute()).map(toState),

    async recordStart(source: string, at: Date): Promise<void> {
      await kysely
        .insertInto("sync_state")
        .values({ source, last_started_at: at })
        .onConflict((oc) => oc.column("source").doUpdateSet({ last_started_at: at }))
        .execute();
    },

    /** A sync that read every account: the failure count starts again from 0; the last error stays, for the record. */
    async recordSuccess(source: string, r: { at: Date; durationMs: number; accounts: number; licenses: number }): Promise<void> {
      const values = {
        last_success_at: r.at,
        last_duration_ms: Math.round(r.durationMs),
        accounts: r.accounts,
        licenses: r.licenses,
        consecutive_failures: 0,
      };
      await kysely
        .insertInto("sync_state")
        .values({ source, ...values })
        .onConflict((oc) => oc.column("source").doUpdateSet(values))
        .execute();
    },

    /** A sync that failed (any account): one more consecutive failure. */
    async recordFailure(source: string, r: { at: Date; code: string }): Promise<void> {
      await kysely
        .insertInto("sync_state")
        .values({ source, last_error_at: r.at, last_error_code: r.code, consecutive_failures: 1 })
        .onConflict((oc) =>
          oc.column("source").doUpdateSet((eb) => ({
            last_error_at: r.at,
            last_error_code: r.code,
            consecutive_failures: eb("sync_state.consecutive_failures", "+", 1),
          })),
        )
        .execute();
    },
  };
}
