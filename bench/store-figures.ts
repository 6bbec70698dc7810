import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

/**
 * What the store costs on its own: RSS and time to open and migrate a store, and the time of two typical indexed
 * selects (a customer by id, the accounts of a customer) over a thousand seeded customers. Each store is measured
 * in a fresh process, so one engine's memory is never counted against another.
 *
 *   node --import tsx bench/store-figures.ts [--url memory://] [--url postgres://...] [--url pglite] [--runs 3] [--selects 5000]
 *
 * `pglite` is the embedded store before SQLite, for comparison in the same run: PGlite in memory (the optional
 * dependency), migrated with the PostgreSQL migrations and queried with the SQL the store sent it, without Kysely.
 */

interface Figures {
  url: string;
  /** RSS before the store's modules are loaded, after, and once the store is open and migrated (MiB). */
  rssBeforeMiB: number;
  rssLoadedMiB: number;
  rssOpenMiB: number;
  /** Loading the store's modules (through tsx: includes transforming them), then opening and migrating (ms). */
  loadMs: number;
  openMs: number;
  /** Mean of `selects` sequential calls, each awaited (µs). */
  customerByIdUs: number;
  accountsOfUs: number;
  rssAfterMiB: number;
}

const CUSTOMERS = 1_000;
const MiB = 1024 * 1024;

const { values } = parseArgs({
  options: {
    url: { type: "string", multiple: true },
    runs: { type: "string" },
    selects: { type: "string" },
    child: { type: "string" },
  },
});
const selects = Number(values.selects ?? 5_000);

if (values.child !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(values.child))}\n`);
  process.exit(0);
} else {
  await orchestrate(values.url ?? ["memory://"], Number(values.runs ?? 3));
}

async function measure(url: string): Promise<Figures> {
  if (url === "pglite") return measurePglite();
  const rss = () => Math.round((process.memoryUsage().rss / MiB) * 10) / 10;
  const rssBeforeMiB = rss();
  const started = performance.now();
  const { openStore } = await import("../src/store/store.js");
  const loadMs = performance.now() - started;
  const rssLoadedMiB = rss();
  // On PostgreSQL, a schema of the run's own, dropped at the end.
  const schema = url.startsWith("postgres") ? `lg_figures_${randomUUID().slice(0, 8)}` : undefined;
  const opening = performance.now();
  const store = await openStore(url, schema === undefined ? {} : { schema });
  const openMs = performance.now() - opening;
  const rssOpenMiB = rss();

  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `figures-${i}`);
  await store.transaction(async (tx) => {
    for (const id of ids) {
      await tx.customers.upsert({ id, name: `Customer ${id}`, accounts: [{ source: "sofar", externalId: `a-${id}` }, { source: "eniris", externalId: `b-${id}` }] });
    }
  });
  const time = async (run: (id: string) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await run(ids[i % CUSTOMERS]!); // warm-up: JIT and the engine's caches
    const t0 = performance.now();
    for (let i = 0; i < selects; i++) await run(ids[(i * 7919) % CUSTOMERS]!);
    return Math.round(((performance.now() - t0) / selects) * 1000 * 10) / 10;
  };
  const customerByIdUs = await time((id) => store.customers.getMany([id]));
  const accountsOfUs = await time((id) => store.customers.accountsOf([id]));
  const figures = { url, rssBeforeMiB, rssLoadedMiB, rssOpenMiB, loadMs: Math.round(loadMs), openMs: Math.round(openMs), customerByIdUs, accountsOfUs, rssAfterMiB: rss() };
  if (schema !== undefined) await store.db.query(`drop schema ${schema} cascade`);
  await store.close();
  return figures;
}

async function measurePglite(): Promise<Figures> {
  const rss = () => Math.round((process.memoryUsage().rss / MiB) * 10) / 10;
  const rssBeforeMiB = rss();
  const started = performance.now();
  const { PGlite, types } = await import("@electric-sql/pglite");
  const { MIGRATIONS } = await import("../src/store/migrate.js");
  const loadMs = performance.now() - started;
  const rssLoadedMiB = rss();
  const opening = performance.now();
  const pglite = await PGlite.create({ parsers: { [types.INT8]: Number } });
  await pglite.exec("create table schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())");
  for (const migration of MIGRATIONS) {
    for (const statement of migration.statements) await pglite.exec(statement);
    await pglite.query("insert into schema_migrations (version, name) values ($1, $2)", [migration.version, migration.name]);
  }
  const openMs = performance.now() - opening;
  const rssOpenMiB = rss();

  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `figures-${i}`);
  await pglite.transaction(async (tx) => {
    for (const id of ids) {
      await tx.query("insert into customers (id, name) values ($1, $2)", [id, `Customer ${id}`]);
      await tx.query("insert into customer_accounts (customer_id, source, external_id) values ($1, 'sofar', $2), ($1, 'eniris', $3)", [id, `a-${id}`, `b-${id}`]);
    }
  });
  const time = async (run: (id: string) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await run(ids[i % CUSTOMERS]!);
    const t0 = performance.now();
    for (let i = 0; i < selects; i++) await run(ids[(i * 7919) % CUSTOMERS]!);
    return Math.round(((performance.now() - t0) / selects) * 1000 * 10) / 10;
  };
  const customerByIdUs = await time((id) => pglite.query(`select id, name, created_at as "createdAt", updated_at as "updatedAt" from customers where id = any($1::text[])`, [[id]]));
  const accountsOfUs = await time((id) =>
    pglite.query(`select customer_id as "customerId", source, external_id as "externalId" from customer_accounts where customer_id = any($1::text[]) order by source, external_id`, [[id]]),
  );
  const figures = {
    url: "pglite (in memory, before)",
    rssBeforeMiB,
    rssLoadedMiB,
    rssOpenMiB,
    loadMs: Math.round(loadMs),
    openMs: Math.round(openMs),
    customerByIdUs,
    accountsOfUs,
    rssAfterMiB: rss(),
  };
  await pglite.close();
  return figures;
}

async function orchestrate(urls: string[], runs: number): Promise<void> {
  const run = promisify(execFile);
  const self = fileURLToPath(import.meta.url);
  const rows: Figures[] = [];
  for (let i = 0; i < runs; i++) {
    for (const url of urls) {
      const { stdout } = await run(process.execPath, ["--import", "tsx", self, "--child", url, "--selects", String(selects)], { timeout: 300_000 });
      rows.push(JSON.parse(stdout.trim().split("\n").at(-1)!) as Figures);
    }
  }
  console.log(`node ${process.version}, ${selects} selects per figure, ${CUSTOMERS} customers, ${runs} runs per store (one process each)\n`);
  console.log("| store | load modules | open+migrate | RSS before / loaded / open+migrated / after selects | customer by id | accounts of a customer |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const rss = `${r.rssBeforeMiB} / ${r.rssLoadedMiB} / ${r.rssOpenMiB} / ${r.rssAfterMiB} MiB`;
    console.log(`| ${r.url.replace(/\/\/[^/?#]*@/, "//***@")} | ${r.loadMs} ms | ${r.openMs} ms | ${rss} | ${r.customerByIdUs} µs | ${r.accountsOfUs} µs |`);
  }
}
