import { Session } from "node:inspector/promises";
import { pino } from "pino";
import { startGateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import { startDemoVendors } from "../src/demo/vendors.js";
import { defaultEsmartUsers } from "../src/simulators/esmart/server.js";
import { addSyntheticCustomers } from "../test/support/world.js";
import { SCENARIOS, type ScenarioId } from "./scenarios.js";

/**
 * Where the bytes an operation allocates go: V8's sampling heap profiler over `--ops` operations of one scenario
 * against a cache-off gateway, with objects the garbage collector already took counted too (what drives GC and
 * the heap's size under load, issue 14), summed by function and by module. Vendors run in this process; their
 * share is reported apart. Not part of `npm run bench`:
 *
 *   npx tsx bench/alloc-profile.ts --scenario customers20 --ops 60 --concurrency 10
 */
interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? process.argv[at + 1]! : fallback;
  };
  const scenario = SCENARIOS[arg("scenario", "customers20") as ScenarioId];
  const ops = Number(arg("ops", "60"));
  const concurrency = Number(arg("concurrency", "10"));
  const operations = scenario.operations;
  if (!operations) throw new Error(`${scenario.id} is not a read scenario`);

  const esmartUser = defaultEsmartUsers()[0]!;
  const vendors = await startDemoVendors({ latencyMs: 5, esmartUser });
  const customers = addSyntheticCustomers(vendors, esmartUser, 20);
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, mode: "production" },
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
  let sent = 0;
  const run = async (count: number) => {
    const worker = async () => {
      while (sent < count) {
        const body = operations[sent++ % operations.length]!;
        const res = await fetch(gateway.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const json = (await res.json()) as { errors?: unknown[] };
        if (json.errors) throw new Error(`errors: ${JSON.stringify(json.errors).slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
  await run(Math.min(ops, 20));
  sent = 0;

  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(ops);
  const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: ProfileNode } };
  session.disconnect();

  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortPath(url);
    total += node.selfSize;
    const fn = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + node.selfSize);
    byModule.set(file, (byModule.get(file) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const perOp = (bytes: number) => `${(bytes / ops / 1024).toFixed(1)} KiB/op`;
  console.log(
    `${scenario.id}: ${ops} operations at ${concurrency} clients: ${perOp(total)} sampled in all (this process, vendors included)`,
  );
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, bytes]) => `  ${perOp(bytes).padStart(16)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${name}`);
  console.log("\nby module:\n" + top(byModule, 25).join("\n"));
  console.log("\nby function:\n" + top(byFunction, 40).join("\n"));
  await gateway.close();
  await vendors.close();
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) return path.slice(nm + "node_modules/".length);
  const src = path.indexOf("/src/");
  if (src >= 0) return path.slice(src + 1);
  return path || "(native)";
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
