import { pino } from "pino";
import { startGateway, type Gateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import { startDemoVendors, type DemoVendors } from "../src/demo/vendors.js";
import { defaultEsmartUsers } from "../src/simulators/esmart/server.js";
import { addSyntheticCustomers } from "../test/support/world.js";
import { registerCustomers } from "./register-customers.js";
import { BENCH_UPSTREAM } from "./references/gateway-variants.js";
import { SCENARIOS, type GraphQLBody, type ScenarioId } from "./scenarios.js";

/** `--name value` from the command line, or `fallback`: the one-process probes' arguments. */
export function probeArgument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1]! : fallback;
}

/** A read scenario's operations, by the `--scenario` argument. */
export function probeOperations(fallback: ScenarioId): { id: ScenarioId; operations: GraphQLBody[] } {
  const scenario = SCENARIOS[probeArgument("scenario", fallback) as ScenarioId];
  if (!scenario?.operations) throw new Error(`${scenario?.id ?? "that"} is not a read scenario`);
  return { id: scenario.id, operations: scenario.operations };
}

/**
 * The bench's world in one process, for the probes (alloc-profile.ts, rss-probe.ts): the demo's simulators with the
 * 20 synthetic customers, and a cache-off gateway with the bench's upstream limits, seeded as gateway-process.ts
 * seeds its own. `server` is merged into the config's server section.
 */
export async function startProbeGateway(options: { latencyMs: number; server?: Record<string, unknown> }): Promise<{
  gateway: Gateway;
  vendors: DemoVendors;
  close(): Promise<void>;
}> {
  const esmartUser = defaultEsmartUsers()[0]!;
  const vendors = await startDemoVendors({ latencyMs: options.latencyMs, esmartUser });
  const customers = addSyntheticCustomers(vendors, esmartUser, 20);
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, mode: "production", ...options.server },
    store: { url: "memory://" },
    auth: { mode: "off" },
    cache: { enabled: false },
    sources: Object.fromEntries(
      Object.entries(vendors.sources).map(([id, s]) => [
        id,
        { ...s, connections: BENCH_UPSTREAM.connections, resilience: { maxConcurrent: BENCH_UPSTREAM.maxConcurrent } },
      ]),
    ),
  });
  const gateway = await startGateway({ config, logger: pino({ level: "warn" }) });
  await seedDemo(gateway.store);
  await registerCustomers(gateway.store, customers);
  return {
    gateway,
    vendors,
    async close() {
      await gateway.close();
      await vendors.close();
    },
  };
}
