import { pino } from "pino";
import { startGateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import { startDemoVendors } from "../src/demo/vendors.js";
import { defaultEsmartUsers } from "../src/simulators/esmart/server.js";
import { addSyntheticCustomers } from "../test/support/world.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";

/**
 * What a cache-off gateway's memory is made of under overload: one scenario at `--concurrency` clients for
 * `--seconds`, with `server.admission.maxOperations` from `--max-ops`, sampling process.memoryUsage() every 100 ms
 * (RSS, V8 heap used and total, external and array buffers). Vendors run in this process (their share is in the
 * figures). Not part of `npm run bench`; for telling what holds memory from what only passes through it:
 *
 *   npx tsx bench/rss-probe.ts --scenario customers20 --concurrency 100 --seconds 10 --max-ops 32
 */
async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? process.argv[at + 1]! : fallback;
  };
  const scenario = SCENARIOS[arg("scenario", "customers20") as ScenarioId];
  const concurrency = Number(arg("concurrency", "100"));
  const seconds = Number(arg("seconds", "10"));
  const maxOperations = Number(arg("max-ops", "32"));
  const operations = scenario.operations;
  if (!operations) throw new Error(`${scenario.id} is not a read scenario`);
  const esmartUser = defaultEsmartUsers()[0]!;
  const vendors = await startDemoVendors({ latencyMs: 20, esmartUser });
  const customers = addSyntheticCustomers(vendors, esmartUser, 20);
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, mode: "production", admission: { maxOperations, maxWaitMs: 300_000 } },
    store: { url: "memory://" },
    auth: { mode: "off" },
    cache: { enabled: false },
    sources: Object.fromEntries(
      Object.entries(vendors.sources).map(([id, s]) => [id, { ...s, connections: 256, resilience: { maxConcurrent: 256 } }]),
    ),
  });
  const gateway = await startGateway({ config, logger: pino({ level: "warn" }) });
  await seedDemo(gateway.store);
  await gateway.store.transaction(async (tx) => {
    for (const c of customers) {
      await tx.customers.upsert({ id: c.id, name: `Customer ${c.id}`, accounts: c.accounts });
      await tx.controllers.upsert({ nodeId: c.nodeId, serialNumber: c.serialNumber, customerId: c.id });
    }
  });
  const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peak) as (keyof typeof peak)[]) peak[k] = Math.max(peak[k], m[k]);
  }, 100);
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let sent = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const body = operations[sent++ % operations.length]!;
      const res = await fetch(gateway.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      await res.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  const mib = (n: number) => `${Math.round(n / 1048576)}`;
  console.log(
    `${scenario.id} c=${concurrency} maxOperations=${maxOperations}: ${(done / seconds).toFixed(1)} ops/s; peak MiB: rss ${mib(peak.rss)}, heapUsed ${mib(peak.heapUsed)}, heapTotal ${mib(peak.heapTotal)}, external ${mib(peak.external)}, arrayBuffers ${mib(peak.arrayBuffers)}`,
  );
  await gateway.close();
  await vendors.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
