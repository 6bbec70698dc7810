import { FieldProblemsError, GatewayError, isGatewayError } from "../../errors/gateway-error.js";
import type { ErrorCode } from "../../errors/codes.js";
import type { LicenseSource } from "../../sources/source.js";
import type { Store } from "../../store/store.js";
import { checkIdempotencyKey, IdempotencyGuard, type IdempotencyScope } from "../idempotency.js";
import { AuditBudget, auditedValue } from "./audit-input.js";

/** A failure the client caused or can act on; returned in a mutation payload rather than as a GraphQL error. */
export interface UserErrorView {
  code: ErrorCode;
  message: string;
  field: string[] | null;
  source: string | null;
}

/** Codes that belong in a payload's `errors`. Anything else (a vendor outage, a bug) is a GraphQL error. */
const PAYLOAD_CODES = new Set<ErrorCode>([
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "FORBIDDEN",
  "LICENSE_ALREADY_ACTIVATED",
  "LICENSE_ALREADY_CLAIMED",
  "LICENSE_BLOCKED",
  "LICENSE_CLAIM_LIMIT_REACHED",
  "LICENSE_NOT_CLAIMED",
  "DEMO_LIMIT_REACHED",
  "INSUFFICIENT_CREDIT",
  "UNSUPPORTED_BY_SOURCE",
]);

/** Who writes: a request's principal, or a bare name for callers outside any request (the CLI, `cli`). */
export type Writer = string | IdempotencyScope;

/**
 * How every mutation writes: local changes and the audit entry in one transaction; a failure audited after
 * the rollback; expected failures turned into payload errors. Shared by the mutation services. Each entry names
 * the principal (`Principal.id`: `apikey:<id>`, `jwt:<sub>`, `auth-off`, `cli`) and the input, secrets redacted
 * and bounded (audit-input.ts): one writer per operation, so its entries share one budget however many aliases.
 *
 * Every mutation comes in two parts: `check` (validation and authorization, reads only) and `run` (the writes).
 * `check` runs for every request, an idempotent repeat included, before a stored result is looked up: a replay is
 * authorized exactly like a new request, and refused with the same answer.
 */
export class AuditedWriter {
  readonly principal: string;
  private readonly idempotency: IdempotencyGuard;
  private readonly budget = new AuditBudget();

  constructor(
    readonly store: Store,
    writer: Writer,
  ) {
    const scope = typeof writer === "string" ? { id: writer } : writer;
    this.principal = scope.id;
    this.idempotency = new IdempotencyGuard(store.idempotency, scope);
  }

  /** Runs `write` and its audit entry in one transaction: both commit, or neither does. */
  commit<T>(operation: string, input: object, write: (tx: Store) => Promise<T>): Promise<T> {
    return this.store.transaction(async (tx) => {
      const result = await write(tx);
      await tx.audit.append({
        operation,
        principal: this.principal,
        input: this.budget.keep(input),
        outcome: "ok",
        result: auditedValue(summarize(result)),
      });
      return result;
    });
  }

  /**
   * Checks, then runs a mutation once per idempotency key (when the input has one); audits a failure of either
   * (after its transaction rolled back), and rethrows. `run` gets what `check` returned.
   */
  async failuresAudited<T, C = void>(
    operation: string,
    input: object,
    check: () => Promise<C> | C,
    run: (checked: C) => Promise<T>,
  ): Promise<T> {
    const key = idempotencyKeyOf(input);
    checkIdempotencyKey(key);
    const checked = await this.audited(operation, input, async () => check());
    return this.idempotency.run(operation, key, input, () => this.audited(operation, input, () => run(checked)));
  }

  private async audited<T>(operation: string, input: object, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const code = isGatewayError(error) ? error.code : "INTERNAL_SERVER_ERROR";
      // The audit must not hide the original failure, so its own failure is only swallowed here.
      await this.store.audit
        .append({ operation, principal: this.principal, input: this.budget.keep(input), outcome: "error", errorCode: code })
        .catch(() => {});
      throw error;
    }
  }

  /**
   * Like failuresAudited, but payload-worthy failures become `errors` (one per field for field-by-field refusals)
   * next to `empty`; anything else propagates as a GraphQL error. Both are audited.
   */
  async withPayload<T extends { errors: UserErrorView[] }, C = void>(
    operation: string,
    input: object,
    empty: Omit<T, "errors">,
    check: () => Promise<C> | C,
    run: (checked: C) => Promise<T>,
  ): Promise<T> {
    const key = idempotencyKeyOf(input);
    checkIdempotencyKey(key);
    let checked: C;
    try {
      checked = await this.audited(operation, input, async () => check());
    } catch (error) {
      // A refusal is not stored under the key: the same key may succeed once the principal is allowed.
      return payloadOf(error, empty);
    }
    // A repeat gets the first answer, payload errors included: the key covers the outcome, not only successes.
    return this.idempotency.run(operation, key, input, async () => {
      try {
        return await this.audited(operation, input, () => run(checked));
      } catch (error) {
        return payloadOf(error, empty);
      }
    });
  }
}

/** The payload for an expected failure; anything else (a vendor outage, a bug) is rethrown as a GraphQL error. */
function payloadOf<T extends { errors: UserErrorView[] }>(error: unknown, empty: Omit<T, "errors">): T {
  if (!isGatewayError(error) || !PAYLOAD_CODES.has(error.code)) throw error;
  const source = error.source ?? null;
  const errors: UserErrorView[] =
    error instanceof FieldProblemsError && error.problems.length > 0
      ? error.problems.map((p) => ({ code: error.code, message: p.message, field: p.field, source }))
      : [{ code: error.code, message: error.message, field: error.field ?? null, source }];
  return { ...empty, errors } as T;
}

function idempotencyKeyOf(input: object): string | null | undefined {
  return (input as { idempotencyKey?: string | null }).idempotencyKey;
}

export function unsupported(source: LicenseSource, what: string): GatewayError {
  return new GatewayError("UNSUPPORTED_BY_SOURCE", `source ${source.id} (${source.kind}) does not support ${what}`, {
    source: source.id,
    field: ["input", "source"],
  });
}

/** GraphQL gives null for omitted optional inputs; the store and the sources take absent fields as "not given". */
export function withoutNulls<T extends object>(input: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

/** What the audit keeps of a result: ids, not whole objects (and so never an API key's secret). */
function summarize(result: unknown): unknown {
  if (result === null || typeof result !== "object") return null;
  const r = result as {
    license?: { source: string; externalId: string } | null;
    datalink?: { id: string } | null;
    apiKey?: { id: string } | null;
    id?: string;
    nodeId?: string;
    source?: string;
    externalId?: string;
  };
  if ("apiKey" in r) return { apiKey: r.apiKey?.id ?? null };
  if ("errors" in r) return { license: r.license ? `${r.license.source}:${r.license.externalId}` : null, datalink: r.datalink?.id ?? null };
  if (r.source && r.externalId) return { id: `${r.source}:${r.externalId}` };
  return { id: r.id ?? r.nodeId ?? null };
}
