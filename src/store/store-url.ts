/**
 * The store URLs the gateway opens, and what it says about the rest. Imports nothing, so the config schema can
 * refuse a URL with the same words as `openDb`.
 *
 * - `sqlite://<path>`: a SQLite file (relative to the working directory, or absolute as `sqlite:///var/lib/x.db`);
 *   its directory is created. The default, `sqlite://./data/store.db`.
 * - `memory://`: SQLite in memory, nothing kept (the demo, the tests).
 * - `postgres://` or `postgresql://`: a PostgreSQL server (a pool of connections).
 */
export type StoreLocation = { engine: "sqlite"; file: string | null } | { engine: "postgres"; url: string };

export const DEFAULT_STORE_URL = "sqlite://./data/store.db";

/**
 * PGlite stores were the embedded default before SQLite. The gateway no longer opens them: it would cost ~700 MB
 * of memory and seconds at every start. Their rows move to a new store with one command.
 */
export const PGLITE_REFUSED =
  "pglite:// stores are no longer opened by the gateway; copy this one into a new store once with " +
  "`license-gateway store copy --from pglite://<dir> --to sqlite://<file>` (or --to postgres://...), then use that URL " +
  "(see docs/operations.md#upgrade-migrations)";

/** Why `url` is not a store URL, or null when it is one. Never quotes the URL (it may hold a password). */
export function storeUrlProblem(url: string): string | null {
  if (url.startsWith("pglite://")) return PGLITE_REFUSED;
  if (url.startsWith("sqlite://"))
    return url.length > "sqlite://".length ? null : "sqlite:// needs a file path, e.g. sqlite://./data/store.db";
  if (url.startsWith("memory://") || url.startsWith("postgres://") || url.startsWith("postgresql://")) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return `unsupported store URL scheme ${scheme === undefined ? "(none)" : `"${scheme}:"`}; expected sqlite://<path>, memory://, postgres:// or postgresql://`;
}

/** Where `url` points; throws with `storeUrlProblem`'s words when it points nowhere the gateway goes. */
export function storeLocation(url: string): StoreLocation {
  const problem = storeUrlProblem(url);
  if (problem !== null) throw new Error(problem);
  if (url.startsWith("memory://")) return { engine: "sqlite", file: null };
  if (url.startsWith("sqlite://")) return { engine: "sqlite", file: url.slice("sqlite://".length) };
  return { engine: "postgres", url };
}
