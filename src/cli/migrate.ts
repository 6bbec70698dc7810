import type { GatewayConfig } from "../config/schema.js";
import { openDb, redactUrl } from "../store/db.js";
import { migrate, MIGRATIONS } from "../store/migrate.js";
import { EXIT, type CliOutput } from "./output.js";

/**
 * `license-gateway migrate`: applies the migrations the store lacks, as the gateway does at start (the same
 * function, under the same advisory lock, so it is safe while replicas start). Prints each version applied on
 * stdout, `<version> <name>`, so nothing at all when the store was up to date; a summary goes to stderr.
 */
export async function runMigrate(config: GatewayConfig, io: CliOutput): Promise<number> {
  const db = await openDb(config.store.url, config.store.schema === undefined ? {} : { schema: config.store.schema });
  try {
    const { applied } = await migrate(db);
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    for (const version of applied) io.out(`${version} ${MIGRATIONS.find((m) => m.version === version)?.name ?? ""}`.trimEnd());
    io.err(
      applied.length === 0
        ? `${redactUrl(config.store.url)} is up to date (schema version ${latest}); no migration applied`
        : `applied ${applied.length} migration${applied.length === 1 ? "" : "s"} to ${redactUrl(config.store.url)}; schema version ${latest}`,
    );
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
