import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { main } from "../../src/cli.js";
import { openDb } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrate.js";
import { MIGRATE_COMMAND, ROOT } from "../support/gateway-process.js";

/**
 * `license-gateway migrate`, and what `check` then says about the store. On PostgreSQL when DATABASE_URL is set
 * (a schema of this file's own, dropped afterwards), else on an embedded SQLite file: a store that outlives
 * each command, as a real one does.
 */
const run = promisify(execFile);
const schema = `lg_migrate_${randomBytes(5).toString("hex")}`;
let dir: string;
let config: string;
let store: { url: string; schema?: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lg-migrate-"));
  store = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, schema } : { url: `sqlite://${join(dir, "store.db")}` };
  config = join(dir, "gateway.yaml");
  await writeFile(config, stringify({ store, auth: { mode: "on" } }));
});

afterAll(async () => {
  if (process.env.DATABASE_URL) {
    const admin = await openDb(process.env.DATABASE_URL);
    await admin.query(`drop schema if exists ${schema} cascade`).finally(() => admin.close());
  }
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, "--config", config], {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("license-gateway migrate", () => {
  it("applies every migration once, prints the versions applied, and nothing when up to date", { timeout: 60_000 }, async () => {
    const first = await cli("migrate");
    expect(first.code).toBe(0);
    expect(first.out).toEqual(MIGRATIONS.map((m) => `${m.version} ${m.name}`));
    expect(first.err).toEqual([
      expect.stringMatching(new RegExp(`^applied ${MIGRATIONS.length} migrations to .*; schema version ${MIGRATIONS.at(-1)!.version}$`)),
    ]);

    const again = await cli("migrate");
    expect(again).toMatchObject({
      code: 0,
      out: [],
      err: [expect.stringContaining(`is up to date (schema version ${MIGRATIONS.at(-1)!.version}); no migration applied`)],
    });

    const checked = await cli("check");
    expect(checked.code).toBe(0);
    expect(checked.out).toContainEqual(
      expect.stringMatching(new RegExp(`^ok\\s+migrations\\s+up to date \\(version ${MIGRATIONS.at(-1)!.version}\\)$`)),
    );
  });

  it("runs as the container runs it: `node bin/license-gateway.js migrate --config FILE`", { timeout: 60_000 }, async () => {
    const [, ...args] = MIGRATE_COMMAND;
    const { stdout, stderr } = await run(process.execPath, [...args, "--config", config], {
      cwd: ROOT,
      env: { ...process.env, GATEWAY_CONFIG: "" },
      timeout: 50_000,
    });
    expect(stdout).toBe("");
    expect(stderr).toContain("no migration applied");
  });

  it(
    "makes check fail on a store migrated by a newer gateway (a rollback that would run old code on a new schema)",
    { timeout: 60_000 },
    async () => {
      const db = await openDb(store.url, store.schema ? { schema: store.schema } : {});
      try {
        await db.query("insert into schema_migrations (version, name) values (999, 'from the future')");
      } finally {
        await db.close();
      }
      const checked = await cli("check");
      expect(checked.code).toBe(1);
      expect(checked.out).toContainEqual(
        expect.stringMatching(
          /^failed\s+migrations\s+MIGRATIONS_AHEAD: the store has migration 999, which this version \(up to \d+\) does not know/,
        ),
      );
    },
  );
});
