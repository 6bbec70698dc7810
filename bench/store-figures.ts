import { execFile } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";

/**
 * What the store costs on its own: RSS and time to open and migrate a store, and the time of two typical indexed
 * selects (a customer by id, the accounts of a customer) over a thousand seeded customers. Each store is measured
 * in a fresh process, so one engine's memory is never counted against another.
 *
 * Then the CPU time of each read a request makes (the hot reads): the customer and its accounts (every operation
 * that names a customer), an API key (every request with auth on), a trusted document (keys that have them), the
 * claims of a license, and an operation's two customer reads with 20 operations in flight at once, as under the
 * bench's 20 clients. The store reports each query to an `onQuery` listener, as the gateway's metrics do.
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
  /** CPU time (user + system) per call of each hot read, each awaited (µs); not measured for pglite. */
  hot?: HotReads;
}

interface HotReads {
  customerById: number;
  accountsOf: number;
  apiKey: number;
  trustedDocument: number;
  claimsOfLicense: number;
  /** Per operation (its customer, then its accounts), 20 operations started together and awaited together. */
  operationAmongTwenty: number;
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
  const store = await openStore(url, { ...(schema === undefined ? {} : { schema }), onQuery: () => {} });
  const openMs = performance.now() - opening;
  const rssOpenMiB = rss();

  const ids = Array.from({ length: CUSTOMERS }, (_, i) => `figures-${i}`);
  await store.transaction(async (tx) => {
    for (const id of ids) {
      await tx.customers.upsert({
        id,
        name: `Customer ${id}`,
        accounts: [
          { source: "sofar", externalId: `a-${id}` },
          { source: "eniris", externalId: `b-${id}` },
        ],
      });
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
  const hot = await hotReads(store, ids);
  const figures = {
    url,
    rssBeforeMiB,
    rssLoadedMiB,
    rssOpenMiB,
    loadMs: Math.round(loadMs),
    openMs: Math.round(openMs),
    customerByIdUs,
    accountsOfUs,
    rssAfterMiB: rss(),
    hot,
  };
  if (schema !== undefined) await store.db.query(`drop schema ${schema} cascade`);
  await store.close();
  return figures;
}

/** A trusted document's id is the SHA-256 of its text, in hex. */
function documentHash(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

type Store = Awaited<ReturnType<typeof import("../src/store/store.js").openStore>>;

/** The hot reads' CPU time over the seeded customers, plus an API key, a trusted document and a claim for each of the first 100. */
async function hotReads(store: Store, ids: string[]): Promise<HotReads> {
  const keyed = ids.slice(0, 100);
  await store.transaction(async (tx) => {
    for (const id of keyed) {
      await tx.apiKeys.insert({ id: `key-${id}`, name: `Key ${id}`, role: "customer", customerId: id, keyHash: "figures", grants: [] });
      await tx.trustedDocuments.publish(
        `key-${id}`,
        [{ hash: documentHash(id), body: "{ customers { id } }", operationType: "query", operationName: null }],
        false,
      );
      await tx.claims.record({ source: "sofar", licenseExternalId: `license-${id}`, licenseKey: `KEY-${id}`, nodeId: `node-${id}` });
    }
  });
  const cpuUs = async (calls: number, run: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await run(i);
    const started = process.cpuUsage();
    for (let i = 0; i < calls; i++) await run(i);
    const used = process.cpuUsage(started);
    return Math.round(((used.user + used.system) / calls) * 10) / 10;
  };
  const any = (i: number) => ids[(i * 7919) % ids.length]!;
  const keyedId = (i: number) => keyed[(i * 31) % keyed.length]!;
  const operation = (id: string) => store.customers.getMany([id]).then(() => store.customers.accountsOf([id]));
  return {
    customerById: await cpuUs(selects, (i) => store.customers.getMany([any(i)])),
    accountsOf: await cpuUs(selects, (i) => store.customers.accountsOf([any(i)])),
    apiKey: await cpuUs(selects, (i) => store.apiKeys.get(`key-${keyedId(i)}`)),
    trustedDocument: await cpuUs(selects, (i) => store.trustedDocuments.has(`key-${keyedId(i)}`, documentHash(keyedId(i)))),
    claimsOfLicense: await cpuUs(selects, (i) => store.claims.ofLicensesAt([{ source: "sofar", externalId: `license-${keyedId(i)}` }])),
    operationAmongTwenty:
      Math.round(
        ((await cpuUs(Math.ceil(selects / 20), (i) => Promise.all(Array.from({ length: 20 }, (_, j) => operation(any(i * 20 + j)))))) /
          20) *
          10,
      ) / 10,
  };
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
  await pglite.exec(
    "create table schema_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())",
  );
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
      await tx.query("insert into customer_accounts (customer_id, source, external_id) values ($1, 'sofar', $2), ($1, 'eniris', $3)", [
        id,
        `a-${id}`,
        `b-${id}`,
      ]);
    }
  });
  const time = async (run: (id: string) => Promise<unknown>) => {
    for (let i = 0; i < 200; i++) await run(ids[i % CUSTOMERS]!);
    const t0 = performance.now();
    for (let i = 0; i < selects; i++) await run(ids[(i * 7919) % CUSTOMERS]!);
    return Math.round(((performance.now() - t0) / selects) * 1000 * 10) / 10;
  };
  const customerByIdUs = await time((id) =>
    pglite.query(`select id, name, created_at as "createdAt", updated_at as "updatedAt" from customers where id = any($1::text[])`, [[id]]),
  );
  const accountsOfUs = await time((id) =>
    pglite.query(
      `select customer_id as "customerId", source, external_id as "externalId" from customer_accounts where customer_id = any($1::text[]) order by source, external_id`,
      [[id]],
    ),
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
      const { stdout } = await run(process.execPath, ["--import", "tsx", self, "--child", url, "--selects", String(selects)], {
        timeout: 300_000,
      });
      rows.push(JSON.parse(stdout.trim().split("\n").at(-1)!) as Figures);
    }
  }
  console.log(
    `node ${process.version}, ${selects} selects per figure, ${CUSTOMERS} customers, ${runs} runs per store (one process each)\n`,
  );
  console.log(
    "| store | load modules | open+migrate | RSS before / loaded / open+migrated / after selects | customer by id | accounts of a customer |",
  );
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const rss = `${r.rssBeforeMiB} / ${r.rssLoadedMiB} / ${r.rssOpenMiB} / ${r.rssAfterMiB} MiB`;
    console.log(
      `| ${r.url.replace(/\/\/[^/?#]*@/, "//***@")} | ${r.loadMs} ms | ${r.openMs} ms | ${rss} | ${r.customerByIdUs} µs | ${r.accountsOfUs} µs |`,
    );
  }
  const hot = rows.filter((r) => r.hot !== undefined);
  if (hot.length === 0) return;
  console.log("\nHot reads, CPU µs per call (user + system):\n");
  console.log(
    "| store | customer by id | accounts of a customer | API key | trusted document | claims of a license | one operation's two reads, 20 at once |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const { url, hot: h } of hot) {
    console.log(
      `| ${url.replace(/\/\/[^/?#]*@/, "//***@")} | ${h!.customerById} | ${h!.accountsOf} | ${h!.apiKey} | ${h!.trustedDocument} | ${h!.claimsOfLicense} | ${h!.operationAmongTwenty} |`,
    );
  }
}
