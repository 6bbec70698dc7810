import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { GatewayError } from "../errors/gateway-error.js";
import type { IdempotencyQueries } from "../store/idempotency.js";
import { currentOperation } from "../domain/operation-context.js";

/** Keys are the client's own (a UUID, usually); printable and short enough to index. */
const KEY = /^[\x21-\x7e]{1,200}$/;
const FIELD = ["input", "idempotencyKey"];
/** How often a repeat that found the first request still running looks again. */
const POLL_MS = 25;
/** Without an operation deadline (tests, scripts), how long a repeat waits for the first request. */
const DEFAULT_WAIT_MS = 10_000;

/** What a stored result is kept for: the principal and everything its authorization depends on. */
export interface IdempotencyScope {
  id: string;
  role?: string;
  customerIds?: readonly string[];
}

/**
 * Runs a mutation at most once per (scope, operation, key). A repeat with the same input gets the first
 * result, without a second upstream call; a repeat while the first still runs waits for it; the same key with
 * another input is a CONFLICT. Results are stored as JSON (dates become ISO strings, which the schema's DateTime
 * accepts). When the first request fails with an error rather than a result, the key is freed: nothing was
 * recorded, so the client may try again with it.
 *
 * A result is stored for the principal's scope (its id, role and granted customers), not its id alone: a JWT with
 * the same `sub` but another role, or a key after a grant was revoked, finds nothing to replay. The caller
 * authorizes every request before it gets here, replays included (AuditedWriter), so a scope that keeps its
 * grants but no longer sees the object (the customer's accounts changed, say) is refused like a new request too.
 */
export class IdempotencyGuard {
  private readonly owner: string;

  constructor(
    private readonly keys: IdempotencyQueries,
    scope: IdempotencyScope,
  ) {
    this.owner = scopeOwner(scope);
  }

  async run<T>(operation: string, key: string | null | undefined, input: object, execute: () => Promise<T>): Promise<T> {
    if (key === null || key === undefined) return execute();
    checkIdempotencyKey(key);
    const inputHash = hashInput(input);
    const held = await this.keys.begin(this.owner, operation, key, inputHash);
    if (held) return this.repeat<T>(operation, key, inputHash, held.inputHash);
    let result: T;
    try {
      result = await execute();
    } catch (error) {
      await this.keys.release(this.owner, operation, key).catch(() => {});
      throw error;
    }
    await this.keys.complete(this.owner, operation, key, result);
    return result;
  }

  private async repeat<T>(operation: string, key: string, inputHash: string, heldHash: string): Promise<T> {
    if (heldHash !== inputHash) {
      throw new GatewayError("CONFLICT", `idempotency key ${key} was used for a different ${operation} input`, { field: FIELD });
    }
    const until = currentOperation()?.deadline ?? Date.now() + DEFAULT_WAIT_MS;
    while (Date.now() < until) {
      const row = await this.keys.get(this.owner, operation, key);
      if (!row) break; // the first request failed and freed the key
      if (row.state === "done") return row.result as T;
      await sleep(POLL_MS);
    }
    throw new GatewayError("CONFLICT", `a ${operation} with idempotency key ${key} is still running or failed; try again`, {
      field: FIELD,
    });
  }
}

/** Refuses a malformed key with BAD_USER_INPUT, before anything else about the request is looked at. */
export function checkIdempotencyKey(key: string | null | undefined): void {
  if (key !== null && key !== undefined && !KEY.test(key)) {
    throw new GatewayError("BAD_USER_INPUT", "an idempotency key is 1 to 200 printable ASCII characters", { field: FIELD });
  }
}

/**
 * The value stored in the rows' `principal` column: `scope:<sha256 of the canonical scope>:<principal id>`. Rows
 * written before scopes were (`apikey:<id>`, `jwt:<sub>`, `auth-off`) never start with `scope:`, so they match no
 * lookup and expire unreplayed, while a release still writing them keeps working on the same table.
 */
function scopeOwner(scope: IdempotencyScope): string {
  const canonical = JSON.stringify([scope.id, scope.role ?? null, [...new Set(scope.customerIds ?? [])].sort()]);
  return `scope:${createHash("sha256").update(canonical).digest("hex")}:${scope.id}`;
}

/** A stable hash of the input without the key itself (so key order and the key do not matter). */
function hashInput(input: object): string {
  const { idempotencyKey: _ignored, ...rest } = input as { idempotencyKey?: unknown };
  return createHash("sha256").update(stableJson(rest)).digest("hex");
}

function stableJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
