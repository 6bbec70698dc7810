import type { Db } from "./db.js";

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

const AUDIT = `id, at, operation, principal, input, outcome, error_code as "errorCode", result`;

export type AuditQueries = ReturnType<typeof auditQueries>;

/**
 * The audit log of every mutation. Append an "ok" entry inside the mutation's transaction so both commit
 * together; append an "error" entry outside it, since the failed transaction rolls back.
 */
export function auditQueries(db: Db) {
  return {
    async append(entry: AppendAuditInput): Promise<AuditRow> {
      // JSON is serialised here because pg would send a JS array as a PostgreSQL array literal, not JSON.
      const [row] = await db.query<AuditRow>(
        `insert into audit_log (operation, principal, input, outcome, error_code, result)
         values ($1, $2, $3::jsonb, $4, $5, $6::jsonb) returning ${AUDIT}`,
        [entry.operation, entry.principal ?? null, toJson(entry.input), entry.outcome, entry.errorCode ?? null,
          entry.result === undefined ? null : toJson(entry.result)],
      );
      return row!;
    },

    /** The newest `limit` entries, newest first. */
    recent: (limit: number) => db.query<AuditRow>(`select ${AUDIT} from audit_log order by id desc limit $1`, [Math.max(0, Math.floor(limit))]),
  };
}

/** `undefined` input (and anything JSON.stringify drops) is stored as JSON null, since the column is not null. */
function toJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
