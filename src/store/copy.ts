import type { Kysely } from "kysely";
import type { RowSource } from "./copy-source.js";
import type { Database } from "./database.js";
import type { Db } from "./db.js";
import { toJson } from "./dialect.js";
import { migrate, MIGRATIONS } from "./migrate.js";

/**
 * Every table of the store (schema_migrations aside: the target records its own), parents before the tables that
 * reference them, with the columns whose values the engines keep differently. A test holds this list to the
 * migrated schema, so a new table cannot be left out of a copy.
 */
export const COPIED_TABLES: ReadonlyArray<{ name: Exclude<keyof Database, "schema_migrations">; booleans?: string[]; json?: string[] }> = [
  { name: "customers" },
  { name: "customer_accounts" },
  { name: "controllers" },
  { name: "licenses", booleans: ["blocked"] },
  { name: "claims", booleans: ["exclusive"] },
  { name: "audit_log", json: ["input", "result"] },
  { name: "api_keys", booleans: ["documents_locked"] },
  { name: "api_key_grants" },
  { name: "idempotency_keys", json: ["result"] },
  { name: "trusted_documents" },
  { name: "license_index", json: ["node_ids"] },
  { name: "license_events" },
  { name: "sync_state" },
  { name: "leases" },
  { name: "webhooks", json: ["types"] },
  { name: "webhook_deliveries" },
];

/** Rows per insert: far below either engine's limit on one statement's parameters whatever the table's width. */
const ROWS_PER_INSERT = 500;

/**
 * Copies every row of `source` into `target`, in one transaction on the target: all of it, or nothing.
 *
 * - The target is migrated first, then refused if any table holds a row: a copy fills a new store, it never merges.
 * - A source of an earlier version is fine: every migration only added tables and columns with defaults, so a
 *   table or column it lacks gets what migrating it would have given.
 * - A source with a migration this gateway does not know (made by a newer gateway) is refused.
 * - Each table's count in the target must equal the rows read, or the transaction rolls back.
 *
 * Timestamps keep what the source gives: text of the target's shape from SQLite, a Date (milliseconds, all the
 * gateway ever reads) from PostgreSQL and PGlite.
 */
export async function copyStore(source: RowSource, target: Db): Promise<Array<{ table: string; rows: number }>> {
  const versions = await source.versions();
  if (versions === null) throw new Error(`${source.description} holds no store (it has no schema_migrations table)`);
  const known = new Set(MIGRATIONS.map((m) => m.version));
  const unknown = versions.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(
      `${source.description} has migration ${unknown.join(", ")}, which this gateway does not know: copy it with the release that made it`,
    );
  }
  await migrate(target);
  return target.transaction(async (tx) => {
    // Tables named by the list above, dynamic here: the rows' types are checked by the target's own schema.
    const db = tx.kysely as unknown as Kysely<Record<string, Record<string, unknown>>>;
    const count = async (table: string) =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const { name } of COPIED_TABLES) {
      const rows = await count(name);
      if (rows > 0)
        throw new Error(`the target store is not empty (${name} has ${rows} row${rows === 1 ? "" : "s"}): copy into a new store`);
    }
    const copied: Array<{ table: string; rows: number }> = [];
    for (const table of COPIED_TABLES) {
      const rows = ((await source.rows(table.name)) ?? []).map((row) => normalized(row, table));
      for (let at = 0; at < rows.length; at += ROWS_PER_INSERT)
        await db
          .insertInto(table.name)
          .values(rows.slice(at, at + ROWS_PER_INSERT))
          .execute();
      if (table.name === "audit_log" || table.name === "license_events") await tx.dialect.afterExplicitIds(tx.kysely, table.name);
      const stored = await count(table.name);
      if (stored !== rows.length)
        throw new Error(`${table.name}: ${rows.length} rows read but ${stored} in the target; nothing was copied`);
      copied.push({ table: table.name, rows: rows.length });
    }
    return copied;
  });
}

/** A source row as the target takes it: booleans as booleans (SQLite gives 0 or 1), JSON as text. */
function normalized(row: Record<string, unknown>, table: (typeof COPIED_TABLES)[number]): Record<string, unknown> {
  const out = { ...row };
  for (const column of table.booleans ?? []) if (out[column] !== undefined && out[column] !== null) out[column] = Boolean(out[column]);
  for (const column of table.json ?? [])
    if (out[column] !== undefined && out[column] !== null && typeof out[column] !== "string") out[column] = toJson(out[column]);
  return out;
}
