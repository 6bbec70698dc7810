import type { LicenseSource } from "../sources/source.js";
import type { Db } from "../store/db.js";
import { MIGRATIONS } from "../store/migrate.js";

/**
 * A check that has not answered by then has failed: a probe must get an answer promptly even when the database
 * hangs (a pg pool waits for a connection without limit), or the orchestrator would see a timeout, not a 503.
 */
const CHECK_TIMEOUT_MS = 2_000;

/** One check's outcome. Details are facts an operator can act on (versions, circuit states), never error text. */
export interface CheckResult {
  ok: boolean;
  [detail: string]: unknown;
}

export interface Readiness {
  ready: boolean;
  body: { status: "ready" | "not ready" | "shutting down"; checks: Record<string, CheckResult> };
}

export interface ReadinessDeps {
  db: Pick<Db, "query">;
  /** The sources as they stand (their circuits change while the gateway runs). */
  sources: () => readonly Pick<LicenseSource, "id" | "kind" | "health">[];
  /** The newest migration the code knows. Default: the last of `MIGRATIONS`. */
  expectedVersion?: number;
}

/** What /readyz answers from the moment shutdown begins: the replica takes no new work, whatever else holds. */
export const SHUTTING_DOWN: Readiness = { ready: false, body: { status: "shutting down", checks: { shutdown: { ok: false } } } };

/**
 * /readyz: ready when the store answers, its schema has every migration this code expects (a new replica whose
 * migrations are not applied yet is not ready), and at least one vendor source is usable (its circuit is not
 * open). A database ahead of the code (an old replica while a rolling upgrade proceeds) is ready: migrations are
 * written to keep the previous version working (see src/store/migrate.ts), so old replicas keep serving until
 * they are replaced rather than all leaving the load balancer at the moment the first new one migrates.
 * Never throws.
 */
export function readinessCheck(deps: ReadinessDeps): () => Promise<Readiness> {
  const expected = deps.expectedVersion ?? MIGRATIONS.at(-1)?.version ?? 0;
  return async () => {
    const store = await check(async () => {
      await deps.db.query("select 1");
      return { ok: true };
    });
    const migrations: CheckResult = store.ok
      ? await check(async () => {
          const [row] = await deps.db.query<{ version: number | null }>("select max(version) as version from schema_migrations");
          const applied = row?.version ?? 0;
          return { ok: applied >= expected, applied, expected };
        })
      : { ok: false, reason: "store unavailable" };
    const checks = { store, migrations, sources: sourcesCheck(deps.sources()) };
    const ready = Object.values(checks).every((c) => c.ok);
    return { ready, body: { status: ready ? "ready" : "not ready", checks } };
  };
}

/**
 * The gateway's own store is always a source but has no circuit, so it is left out: it says nothing about the
 * vendors. With no vendor configured, the gateway serves its store alone and this check passes.
 */
function sourcesCheck(sources: readonly Pick<LicenseSource, "id" | "kind" | "health">[]): CheckResult {
  const vendors = sources.filter((s) => s.kind !== "local");
  const circuits = Object.fromEntries(vendors.map((s) => [s.id, s.health().circuit]));
  return { ok: vendors.length === 0 || Object.values(circuits).some((c) => c !== "open"), circuits };
}

/** Runs one check within the timeout; a failure is reported by kind only (its message may name hosts or users). */
async function check(run: () => Promise<CheckResult>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([run(), timeout]);
    return result === "timeout" ? { ok: false, error: "timeout" } : result;
  } catch {
    return { ok: false, error: "unavailable" };
  } finally {
    clearTimeout(timer);
  }
}
