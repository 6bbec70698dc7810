import { pino } from "pino";
import type { z } from "zod";
import { startGateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import type { SyntheticCustomer } from "../test/support/world.js";
import { announce, argument, exitWhenStdinCloses, failStart } from "./child-side.js";

/**
 * The gateway under test, alone in its process so /proc/<pid> measures it and nothing else: authentication
 * off, an in-memory store seeded with the demo and the synthetic customers, production mode. Prints
 * `{"ready": {"url": ...}}` when it listens; logs go to stderr (the orchestrator keeps them in a file).
 */

type ConfigInput = z.input<typeof configSchema>;

export interface GatewayInput {
  sources: NonNullable<ConfigInput["sources"]>;
  cache?: ConfigInput["cache"];
  /** `server.batching`; default true. */
  batching?: boolean;
  customers: SyntheticCustomer[];
  /** pino level; default "warn". */
  logLevel?: string;
}

export interface GatewayReady {
  url: string;
}

async function main(): Promise<void> {
  const input = argument<GatewayInput>();
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, mode: "production", batching: input.batching ?? true },
    store: { url: "memory://" },
    auth: { mode: "off" },
    sources: input.sources,
    ...(input.cache === undefined ? {} : { cache: input.cache }),
  });
  const logger = pino({ level: input.logLevel ?? "warn" }, pino.destination(2));
  const gateway = await startGateway({ config, logger });
  await seedDemo(gateway.store);
  // What test/e2e/federation-call-counts.test.ts does through the API, written straight to the store.
  await gateway.store.transaction(async (tx) => {
    for (const c of input.customers) {
      await tx.customers.upsert({ id: c.id, name: `Customer ${c.id}`, accounts: c.accounts });
      await tx.controllers.upsert({ nodeId: c.nodeId, serialNumber: c.serialNumber, customerId: c.id });
    }
  });
  exitWhenStdinCloses(() => gateway.close());
  announce({ url: gateway.url } satisfies GatewayReady);
}

main().catch(failStart);
