import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli.js";
import { COPIED_TABLES } from "../../src/store/copy.js";
import { openDb } from "../../src/store/db.js";
import { migrate, MIGRATIONS } from "../../src/store/migrate.js";
import { openStore, type Store } from "../../src/store/store.js";

/**
 * `license-gateway store copy`: the way forward for the PGlite stores of earlier releases. The sources are real
 * PGlite directories, made here as the earlier gateway made them: PGlite running the PostgreSQL migrations.
 */
const DATABASE_URL = process.env.DATABASE_URL;
const HASH = "a".repeat(64);
const KEY_ID = "0123456789abcdef";
const LICENSE_ID = "7d2b2a84-6f0e-4f43-9d55-2a3c3f0c1e01";
const AUDIT_INPUT = { key: "K-1", nested: { list: [1, "zwei", null, { drei: true }] }, text: 'Zürich – 東京 🚀 "quoted" \\ back' };
/** Tables of migrations after the PGlite sources' version 5: a copy of those finds none, and copies 0 rows. */
const NEWER_THAN_SOURCE = new Set(["license_index", "license_events", "sync_state", "leases", "webhooks", "webhook_deliveries"]);
let dir: string;
let current: string;
let older: string;

/** A PGlite store at `version`, migrated as the earlier gateway did, holding a row in each table it has. */
async function pgliteStore(path: string, version: number): Promise<void> {
  const pglite = await PGlite.create({ dataDir: path });
  await pglite.exec(
    `create table schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())`,
  );
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    for (const statement of migration.statements) await pglite.exec(statement);
    await pglite.query("insert into schema_migrations (version, name) values ($1, $2)", [migration.version, migration.name]);
  }
  const q = (sql: string, params: unknown[] = []) => pglite.query(sql, params);
  await q(
    `insert into customers (id, name, created_at, updated_at) values ('cust-1', 'Ünïcödé GmbH', '2024-01-02T03:04:05.678Z', '2024-02-03T04:05:06.789Z'), ('cust-2', 'Second', now(), now())`,
  );
  await q(
    `insert into customer_accounts (customer_id, source, external_id) values ('cust-1', 'sofar', 'acc-1'), ('cust-1', 'eniris', 'acc-2')`,
  );
  await q(
    `insert into controllers (node_id, name, serial_number, customer_id) values ('node-1', 'Roof', null, 'cust-1'), ('node-2', null, 'SN-2', null)`,
  );
  await q(
    `insert into licenses (id, key, type, grid_kw, duration_months, customer_id, created_at, activated_at, blocked)
     values ($1, 'LOC-AAAA-BBBB-CCCC', 'home', 10, 12, 'cust-1', '2024-03-01T00:00:00.001Z', '2024-03-02T12:00:00.999Z', true)`,
    [LICENSE_ID],
  );
  await q(
    `insert into claims (id, source, license_external_id, license_key, node_id) values ($1, 'local', $2, 'LOC-AAAA-BBBB-CCCC', 'node-1')`,
    ["1b3f0a9e-0000-4000-8000-000000000001", LICENSE_ID],
  );
  // Ids with a gap, as deletions or rolled back transactions leave them: kept as they are, and counted on from.
  await q(
    `insert into audit_log (id, operation, principal, input, outcome, result) values (3, 'issueLicense', 'cli', $1, 'ok', '[1, 2]'), (9, 'claimLicense', null, '"raw"', 'error', null)`,
    [JSON.stringify(AUDIT_INPUT)],
  );
  await q(`select setval(pg_get_serial_sequence('audit_log', 'id'), 9)`);
  if (version >= 3) {
    await q(
      `insert into api_keys (id, name, role, customer_id, key_hash, revoked_at) values ($1, 'partner app', 'partner', null, 'hash', null)`,
      [KEY_ID],
    );
    await q(`insert into api_key_grants (key_id, customer_id) values ($1, 'cust-1'), ($1, 'cust-2')`, [KEY_ID]);
  }
  if (version >= 4) {
    await q(
      `insert into idempotency_keys (principal, operation, key, input_hash, state, result) values ('cli', 'issueLicense', 'k-1', 'h', 'done', $1)`,
      [JSON.stringify({ ok: [true] })],
    );
  }
  if (version >= 5) {
    await q(`update api_keys set documents_locked = true where id = $1`, [KEY_ID]);
    await q(
      `insert into trusted_documents (key_id, hash, body, operation_type, operation_name) values ($1, $2, '{ sources { id } }', 'query', 'Sources')`,
      [KEY_ID, HASH],
    );
  }
  await pglite.close();
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lg-copy-"));
  current = join(dir, "pglite-v5");
  older = join(dir, "pglite-v3");
  await pgliteStore(current, 5);
  await pgliteStore(older, 3);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the copied store holds, read through the store's own queries. */
async function expectCopied(store: Store, version: number): Promise<void> {
  expect(await store.customers.getMany(["cust-1"])).toEqual([
    {
      id: "cust-1",
      name: "Ünïcödé GmbH",
      createdAt: new Date("2024-01-02T03:04:05.678Z"),
      updatedAt: new Date("2024-02-03T04:05:06.789Z"),
    },
  ]);
  expect(await store.customers.count()).toBe(2);
  expect((await store.customers.accountsOf(["cust-1"])).map((a) => `${a.source}/${a.externalId}`)).toEqual(["eniris/acc-2", "sofar/acc-1"]);
  expect(await store.controllers.getMany(["node-2"])).toMatchObject([
    { nodeId: "node-2", name: null, serialNumber: "SN-2", customerId: null },
  ]);
  expect(await store.licenses.getMany([LICENSE_ID])).toMatchObject([
    {
      key: "LOC-AAAA-BBBB-CCCC",
      gridKw: 10,
      solarKw: null,
      blocked: true,
      createdAt: new Date("2024-03-01T00:00:00.001Z"),
      activatedAt: new Date("2024-03-02T12:00:00.999Z"),
      deactivatedAt: null,
    },
  ]);
  // Migration 2's column, with its default where the source predates it.
  const [claim] = await store.claims.ofLicenses("local", [LICENSE_ID]);
  expect(claim).toMatchObject({ nodeId: "node-1", licenseAccount: null });
  await expect(
    store.claims.record({ source: "local", licenseExternalId: LICENSE_ID, licenseKey: "K", nodeId: "node-2" }),
  ).rejects.toMatchObject({ code: "LICENSE_ALREADY_CLAIMED" });
  expect((await store.audit.recent(2)).map(({ id, input, result, outcome }) => ({ id, input, result, outcome }))).toEqual([
    { id: 9, input: "raw", result: null, outcome: "error" },
    { id: 3, input: AUDIT_INPUT, result: [1, 2], outcome: "ok" },
  ]);
  // Ids go on after the copied ones.
  expect((await store.audit.append({ operation: "after", input: {}, outcome: "ok" })).id).toBeGreaterThan(9);
  const key = await store.apiKeys.get(KEY_ID);
  expect(key).toMatchObject({
    role: "partner",
    grants: ["cust-1", "cust-2"],
    revokedAt: null,
    documentsLocked: version >= 5,
    hasDocuments: version >= 5,
  });
  if (version >= 5) {
    expect(await store.idempotency.get("cli", "issueLicense", "k-1")).toMatchObject({ state: "done", result: { ok: [true] } });
    expect(await store.trustedDocuments.list(KEY_ID)).toMatchObject([{ hash: HASH, operationType: "query", operationName: "Sources" }]);
  }
}

describe("license-gateway store copy", { timeout: 120_000 }, () => {
  it("copies a PGlite store into a new SQLite file: every row, in one transaction, counted", async () => {
    const file = join(dir, "copied", "store.db");
    const result = await cli("store", "copy", "--from", `pglite://${current}`, "--to", `sqlite://${file}`);
    expect(result.err.join("\n")).toMatch(/^copied 15 rows of 16 tables from pglite:\/\/.* to sqlite:\/\/.*; set store.url to sqlite:\/\//);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toEqual(
      COPIED_TABLES.map(
        (t) =>
          `${t.name} ${{ customers: 2, customer_accounts: 2, controllers: 2, audit_log: 2, api_key_grants: 2 }[t.name as string] ?? (NEWER_THAN_SOURCE.has(t.name) ? 0 : 1)}`,
      ),
    );
    const store = await openStore(`sqlite://${file}`);
    try {
      await expectCopied(store, 5);
    } finally {
      await store.close();
    }
  });

  it("refuses a target that holds any row, and leaves it as it was", async () => {
    const file = join(dir, "full.db");
    const store = await openStore(`sqlite://${file}`);
    await store.customers.upsert({ id: "already-here", name: "Here", accounts: [] });
    await store.close();
    const result = await cli("store", "copy", "--from", `pglite://${current}`, "--to", `sqlite://${file}`);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringContaining("the target store is not empty (customers has 1 row): copy into a new store")]);
    const after = await openStore(`sqlite://${file}`);
    expect(await after.customers.count()).toBe(1);
    await after.close();
  });

  it("copies all or nothing: a row the target refuses, late in the copy, leaves every table empty", async () => {
    // A source holding what a store never should: a grant of a customer that does not exist (written with the
    // references off), which the target's foreign key refuses after the tables before it were filled.
    const file = join(dir, "dangling.db");
    const source = await openStore(`sqlite://${file}`);
    await source.customers.upsert({ id: "kept", name: "Kept", accounts: [{ source: "sofar", externalId: "k" }] });
    await source.apiKeys.insert({ id: KEY_ID, name: "p", role: "partner", customerId: null, keyHash: "h", grants: ["kept"] });
    await source.db.query("pragma foreign_keys = off");
    await source.db.query("insert into api_key_grants (key_id, customer_id) values ($1, 'ghost')", [KEY_ID]);
    await source.close();
    const target = join(dir, "dangling-target.db");
    const result = await cli("store", "copy", "--from", `sqlite://${file}`, "--to", `sqlite://${target}`);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      expect.stringMatching(/^license-gateway: store copy failed, nothing was copied: FOREIGN KEY constraint failed/),
    ]);
    const after = await openStore(`sqlite://${target}`);
    expect(await after.customers.count()).toBe(0);
    expect(await after.apiKeys.list()).toEqual([]);
    await after.close();
  });

  it("copies a store of an earlier version, what it lacks taking the defaults its migrations give", async () => {
    const file = join(dir, "older.db");
    expect((await cli("store", "copy", "--from", `pglite://${older}`, "--to", `sqlite://${file}`)).code).toBe(0);
    const store = await openStore(`sqlite://${file}`);
    try {
      await expectCopied(store, 3);
    } finally {
      await store.close();
    }
  });

  it.skipIf(DATABASE_URL === undefined)("copies a PGlite store into PostgreSQL, in the schema named", async () => {
    const schema = `lg_copy_${randomBytes(5).toString("hex")}`;
    try {
      const result = await cli("store", "copy", "--from", `pglite://${current}`, "--to", DATABASE_URL!, "--to-schema", schema);
      expect(result.err.join("\n")).toMatch(/^copied 15 rows/);
      const store = await openStore(DATABASE_URL!, { schema });
      try {
        await expectCopied(store, 5);
      } finally {
        await store.close();
      }
      // And on from there: PostgreSQL into SQLite, the same rows.
      const file = join(dir, "from-postgres.db");
      expect((await cli("store", "copy", "--from", DATABASE_URL!, "--from-schema", schema, "--to", `sqlite://${file}`)).code).toBe(0);
      const copied = await openStore(`sqlite://${file}`);
      try {
        expect(await copied.customers.getMany(["cust-1"])).toMatchObject([
          { name: "Ünïcödé GmbH", createdAt: new Date("2024-01-02T03:04:05.678Z") },
        ]);
        expect((await copied.audit.recent(1))[0]).toMatchObject({ operation: "after" });
      } finally {
        await copied.close();
      }
    } finally {
      const admin = await openDb(DATABASE_URL!);
      await admin.query(`drop schema if exists ${schema} cascade`).finally(() => admin.close());
    }
  });

  it("copies the license index, the event log and the webhooks, the log's cursors going on after the copied ones", async () => {
    const file = join(dir, "issue-16.db");
    const source = await openStore(`sqlite://${file}`);
    const at = new Date("2026-01-01T00:00:00.000Z");
    const license = {
      source: "sofar",
      externalId: "L-1",
      account: "acc-1",
      customerId: null,
      status: "ACTIVE" as const,
      type: "PRO",
      activatedAt: at,
      expiresAt: null,
      nodeIds: ["n-1", "n-2"],
    };
    const event = {
      ...license,
      type: "APPEARED" as const,
      at,
      origin: "SYNC" as const,
      previousStatus: null,
      nodeId: null,
      thresholdDays: null,
    };
    let highest = 0;
    try {
      await source.apiKeys.insert({ id: KEY_ID, name: "p", role: "partner", customerId: null, keyHash: "h", grants: [] });
      const events = await source.licenseIndex.replaceAccount("sofar", "acc-1", [license], [event, event, event], at);
      highest = events.at(-1)!.cursor;
      await source.webhooks.create({ id: "wh-1", keyId: KEY_ID, url: "https://x.example", secret: "s", types: ["CLAIMED"] });
      await source.webhooks.enqueue([{ webhookId: "wh-1", cursor: highest }], at);
      await source.syncState.recordSuccess("sofar", { at, durationMs: 10, accounts: 1, licenses: 1 });
      await source.leases.tryAcquire("sync:sofar", "replica", 60_000);
    } finally {
      await source.close();
    }
    const expectCopiedEvents = async (store: Store) => {
      expect(await store.licenseIndex.ofAccount("sofar", "acc-1")).toEqual([license]);
      expect((await store.licenseEvents.after(0, {}, 10)).map((e) => e.cursor)).toEqual([highest - 2, highest - 1, highest]);
      expect((await store.webhooks.deliveries("wh-1", 10)).rows).toMatchObject([{ cursor: highest, state: "pending" }]);
      expect(await store.webhooks.get("wh-1")).toMatchObject({ types: ["CLAIMED"] });
      expect(await store.syncState.get("sofar")).toMatchObject({ accounts: 1, licenses: 1 });
      expect(await store.leases.tryAcquire("sync:sofar", "another", 60_000)).toBe(false);
      const [next] = await store.licenseEvents.append([event]);
      expect(next!.cursor).toBe(highest + 1);
    };
    const target = join(dir, "issue-16-copy.db");
    expect((await cli("store", "copy", "--from", `sqlite://${file}`, "--to", `sqlite://${target}`)).code).toBe(0);
    const copied = await openStore(`sqlite://${target}`);
    try {
      await expectCopiedEvents(copied);
    } finally {
      await copied.close();
    }
    if (DATABASE_URL === undefined) return;
    const schema = `lg_copy_${randomBytes(5).toString("hex")}`;
    try {
      expect((await cli("store", "copy", "--from", `sqlite://${file}`, "--to", DATABASE_URL, "--to-schema", schema)).code).toBe(0);
      const store = await openStore(DATABASE_URL, { schema });
      try {
        await expectCopiedEvents(store);
      } finally {
        await store.close();
      }
    } finally {
      const admin = await openDb(DATABASE_URL);
      await admin.query(`drop schema if exists ${schema} cascade`).finally(() => admin.close());
    }
  });

  it("refuses a directory that holds no PGlite store, without creating one", async () => {
    const missing = join(dir, "no-such-store");
    const result = await cli("store", "copy", "--from", `pglite://${missing}`, "--to", `sqlite://${join(dir, "never.db")}`);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringContaining(`there is no PGlite store at pglite://${missing}`)]);
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(join(dir, "never.db"))).toBe(false);
  });

  it("refuses a store made by a newer gateway", async () => {
    const file = join(dir, "newer-source.db");
    const source = await openStore(`sqlite://${file}`);
    await source.db.query("insert into schema_migrations (version, name) values (999, 'from the future')");
    await source.close();
    const result = await cli("store", "copy", "--from", `sqlite://${file}`, "--to", `sqlite://${join(dir, "newer-target.db")}`);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([expect.stringContaining("has migration 999, which this gateway does not know")]);
  });

  it("refuses command lines it cannot run, before opening anything", async () => {
    expect(await cli("store", "copy", "--from", `pglite://${current}`)).toMatchObject({
      code: 2,
      err: [expect.stringContaining("store copy needs --from URL and --to URL")],
    });
    expect(await cli("store", "copy", "--from", `pglite://${current}`, "--to", "memory://")).toMatchObject({
      code: 2,
      err: [expect.stringContaining("would keep nothing")],
    });
    expect(await cli("store", "export")).toMatchObject({ code: 2, err: [expect.stringContaining("store takes copy")] });
  });
});

describe("the tables a copy takes", () => {
  it("are every table of a migrated store but schema_migrations, parents first", async () => {
    const db = await openDb("memory://");
    try {
      await migrate(db);
      const tables = (await db.kysely.introspection.getTables()).map((t) => t.name).filter((name) => name !== "schema_migrations");
      expect(COPIED_TABLES.map((t) => t.name).sort()).toEqual(tables.sort());
    } finally {
      await db.close();
    }
  });
});
