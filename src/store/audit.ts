import type { Selectable } from "kysely";
import type { AuditLogTable } from "./database.js";
import type { Db } from "./db.js";
import { fromJson, toDate, toJson } from "./dialect.js";

export type AuditOutcome = "ok" | "error";

export interface AuditRow {
  id: number;
  at: Date;
  operation: string;
  principal: string | null;
  input: unknown;
  outcome: AuditOutcome;
  errorCode: string | null;
  result: unknown;
}

export interface AppendAuditInput {
  operation: string;
  principal?: string | null;
  /** Any JSON value. Callers strip secrets first: the log keeps what it is given. */
  input: unknown;
  outcome: AuditOutcome;
  errorCode?: string | null;
  result?: unknown;
}

const AUDIT = ["id", "at", "operation", "principal", "input", "outcome", "error_code", "result"] as const;

const toAudit = (r: Selectable<AuditLogTable>): AuditRow => ({
  id: r.id,
  at: toDate(r.at),
  operation: r.operation,
  principal: r.principal,
  input: fromJson(r.input),
  outcome: r.outcome,
  errorCode: r.error_code,
  result: fromJson(r.result),
});

export type AuditQueries = ReturnType<typeof auditQueries>;

/**
 * The audit log of every mutation. Append an "ok" entry inside the mutation's transaction so both commit
 * together; append an "error" entry outside it, since the failed transaction rolls back.
 */
export function auditQueries(db: Db) {
  const { kysely, dialect } = db;
  return {
    async append(entry: AppendAuditInput): Promise<AuditRow> {
      const row = await kysely
        .insertInto("audit_log")
        .values({
          at: dialect.now(),
          operation: entry.operation,
          principal: entry.principal ?? null,
          input: toJson(entry.input),
          outcome: entry.outcome,
          error_code: entry.errorCode ?? null,
          result: entry.result === undefined ? null : toJson(entry.result),
        })
        .returning(AUDIT)
        .executeTakeFirstOrThrow();
      return toAudit(row);
    },

    /** The newest `limit` entries, newest first. */
    recent: async (limit: number) =>
      (
        await kysely
          .selectFrom("audit_log")
          .select(AUDIT)
          .orderBy("id", "desc")
          .limit(Math.max(0, Math.floor(limit)))
          .execute()
      ).map(toAudit),
  };
}
