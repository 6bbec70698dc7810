import { execute, parse } from "graphql";
import { pino } from "pino";
import { startGateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import { startDemoVendors } from "../src/demo/vendors.js";
import { documentChecker } from "../src/documents/document-check.js";
import { operationScope, runInOperation } from "../src/domain/operation-context.js";
import { SourceRegistry } from "../src/federation/registry.js";
import { createContext } from "../src/graphql/context.js";
import { buildGatewaySchema } from "../src/graphql/schema.js";
import { createSources } from "../src/sources/create.js";
import { openStore } from "../src/store/store.js";

/**
 * The cost of one uncached operation, layer by layer, in one process: `node --import tsx bench/hot-path.ts [N]`
 * (add `--cpu-prof` before `--import` for a profile). Not `npm run bench`, which measures the gateway alone in its
 * process against references; this splits one operation (one customer's licenses at one Eniris brand, the bench's
 * sofar1) into what each layer adds, to find where to cut:
 * - `source call`: the Eniris source's licensesOfAccounts (HTTP client, guard, decoding, mapping), plus the
 *   simulator answering it in this same process;
 * - `store reads`: the two reads the operation makes (the customer, its accounts);
 * - `graphql execute`: graphql-js over the gateway's schema with a fresh context: everything but HTTP and Apollo;
 * - `graphql primed`: the same with the context's loaders primed with the source's and the store's answers, so
 *   what is left is the execution layer alone (context, type-graphql, graphql-js, reads, connection, scalars);
 * - `http`: a whole request to a running gateway with the cache off (Apollo, the HTTP handling and the client's
 *   own fetch, which runs in this process too).
 * `[N] [layer ...]`: N operations per measurement (3,000), only the layers named (all).
 * CPU time per operation (user + system) and wall time, after a warm-up; each measured twice, the second is the one
 * to read. The simulator runs with no latency.
 */

const N = Number(process.argv[2] ?? 3_000);
/** Only the layers named (e.g. `graphql`), for a profile of one; default all. */
const ONLY = process.argv.slice(3);
const wanted = (name: string) => ONLY.length === 0 || ONLY.some((w) => name.startsWith(w));
const QUERY = `query($id: ID!) { customer(id: $id) { id licensesConnection(source: "sofar", first: 50) { edges { node { id key status type activatedAt expiresAt } } } } }`;
const VARIABLES = { id: "demo-customer-1" };

async function measure(name: string, one: () => Promise<unknown>): Promise<void> {
  if (!wanted(name)) return;
  for (let i = 0; i < Math.min(500, N); i++) await one();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < N; i++) await one();
  const used = process.cpuUsage(cpu);
  const ms = (n: number) => n.toFixed(3).padStart(7);
  console.log(
    `${name.padEnd(20)} ${ms((used.user + used.system) / 1000 / N)} ms CPU/op ${ms((performance.now() - started) / N)} ms wall/op`,
  );
}

const vendors = await startDemoVendors({});
const config = configSchema.parse({
  server: { host: "127.0.0.1", port: 0, mode: "production" },
  store: { url: "memory://" },
  auth: { mode: "off" },
  sources: vendors.sources,
  cache: { enabled: false },
});
const store = await openStore("memory://");
await seedDemo(store);
const sources = new SourceRegistry(createSources(config.sources, store));
const schema = await buildGatewaySchema();
const checkDocument = documentChecker(schema, config.server.limits);
const principal = { id: "auth-off", role: "admin" } as Parameters<typeof createContext>[1];
const document = parse(QUERY);
const gateway = await startGateway({ config, logger: pino({ level: "warn" }) });
await seedDemo(gateway.store);

const sofar = sources.find("sofar")!;
const account = (await store.customers.accountsOf([VARIABLES.id])).find((a) => a.source === "sofar")!.externalId;
/** One operation's scope, ended as the server ends it (its timer cleared). */
function inOperation<T>(fn: () => Promise<T>): Promise<T> {
  const scope = operationScope(10_000);
  return runInOperation(scope, fn).finally(() => scope.end());
}
const customerRow = (await store.customers.getMany([VARIABLES.id]))[0] ?? null;
const accountRows = await store.customers.accountsOf([VARIABLES.id]);
const sofarLicenses = await inOperation(() => sofar.licensesOfAccounts!([account])).then(([list]) => {
  if (!Array.isArray(list)) throw new Error(`the source call failed: ${String(list)}`);
  return list;
});
const body = JSON.stringify({ query: QUERY, variables: VARIABLES });
/** A fresh context, as every request gets; `primed`: its loaders already hold the answers (no source, no store). */
function context(primed: boolean) {
  const contextValue = createContext({ store, sources, checkDocument }, principal);
  if (primed) {
    contextValue.loaders.customers.prime(VARIABLES.id, customerRow);
    contextValue.loaders.accountsOfCustomer.prime(VARIABLES.id, accountRows);
    contextValue.loaders.accountLicenses.prime({ source: "sofar", id: account }, sofarLicenses);
  }
  return contextValue;
}
for (const primed of [false, true]) {
  const result = await inOperation(async () => execute({ schema, document, variableValues: VARIABLES, contextValue: context(primed) }));
  if (result.errors) throw new Error(`the operation failed: ${JSON.stringify(result.errors)}`);
}

for (let round = 0; round < 2; round++) {
  await measure("source call", () => inOperation(() => sofar.licensesOfAccounts!([account])));
  await measure("store reads", async () => {
    await store.customers.getMany([VARIABLES.id]);
    await store.customers.accountsOf([VARIABLES.id]);
  });
  await measure("graphql execute", () =>
    inOperation(async () => execute({ schema, document, variableValues: VARIABLES, contextValue: context(false) })),
  );
  await measure("graphql primed", async () => execute({ schema, document, variableValues: VARIABLES, contextValue: context(true) }));
  await measure("http", () =>
    fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.text()),
  );
}

await gateway.close();
await sources.close();
await store.close();
await vendors.close();
