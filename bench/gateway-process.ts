import pg from "pg";
import { pino } from "pino";
import type { z } from "zod";
import { startGateway } from "../src/app.js";
import { configSchema } from "../src/config/schema.js";
import { seedDemo } from "../src/demo/seed.js";
import type { SyntheticCustomer } from "../test/support/world.js";
import type { SyncScheduler } from "../src/sync/scheduler.js";
import type { SyncSummary } from "../src/sync/sync-job.js";
import { registerCustomers } from "./register-customers.js";
import { announce, argument, exitWhenStdinCloses, failStart, serveCommands } from "./child-side.js";
import type { World } from "./vendors-process.js";

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
  /** The customers to register; or `customersFrom`, the vendors process' control URL, for lists too long for the environment. */
  customers?: SyntheticCustomer[];
  customersFrom?: string;
  /**
   * Turns the license index's sync on (issue 16) with an interval long enough never to fire by itself: the
   * orchestrator asks for a run of every source with the command `{ "sync": "all" }` (bench/sync-scenario.ts).
   */
  sync?: boolean;
  /** pino level; default "warn". */
  logLevel?: string;
  /** `memory://` (the default) or a PostgreSQL URL; on PostgreSQL the gateway gets a schema of its own, emptied first. */
  storeUrl?: string;
  /** Names that schema (one per gateway variant). */
  name: string;
}

export interface GatewayReady {
  url: string;
}

async function main(): Promise<void> {
  const input = argument<GatewayInput>();
  const config = configSchema.parse({
    server: { host: "127.0.0.1", port: 0, mode: "production", batching: input.batching ?? true },
    store: { url: await freshStore(input.storeUrl ?? "memory://", input.name) },
    auth: { mode: "off" },
    sources: input.sources,
    ...(input.cache === undefined ? {} : { cache: input.cache }),
    ...(input.sync ? { sync: { enabled: true, intervalMs: 86_400_000, jitter: 0 } } : {}),
  });
  const logger = pino({ level: input.logLevel ?? "warn" }, pino.destination(2));
  const gateway = await startGateway({ config, logger });
  await seedDemo(gateway.store);
  const customers = input.customers ?? (await customersOf(input.customersFrom));
  await registerCustomers(gateway.store, customers);
  const { sync } = gateway;
  if (sync) {
    serveCommands<{ sync: "all" }>(
      () => syncAll(sync),
      () => gateway.close(),
    );
  } else {
    exitWhenStdinCloses(() => gateway.close());
  }
  announce({ url: gateway.url } satisfies GatewayReady);
}

/** One run of every synced source at once, as their loops would run them: how long it took, and each source's summary. */
export interface SyncRun {
  durationMs: number;
  summaries: SyncSummary[];
}

async function syncAll(sync: SyncScheduler): Promise<SyncRun> {
  const started = performance.now();
  const summaries = await Promise.all(sync.sourceIds.map((id) => sync.runNow(id)));
  return { durationMs: performance.now() - started, summaries: summaries.filter((s): s is SyncSummary => s !== null) };
}

async function customersOf(controlUrl: string | undefined): Promise<SyntheticCustomer[]> {
  if (controlUrl === undefined) throw new Error("the gateway input names neither customers nor customersFrom");
  const res = await fetch(`${controlUrl}/world`);
  if (!res.ok) throw new Error(`GET ${controlUrl}/world: ${res.status}`);
  return ((await res.json()) as World).customers;
}

/**
 * A PostgreSQL URL whose connections use a schema of their own, dropped and created anew, so every gateway
 * variant starts from an empty store as it does in memory.
 */
async function freshStore(url: string, name: string): Promise<string> {
  if (!/^postgres(ql)?:/.test(url)) return url;
  const schema = `bench_${name.replace(/[^a-z0-9]/gi, "_").toLowerCase()}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.query(`create schema ${schema}`);
  } finally {
    await client.end();
  }
  const withSchema = new URL(url);
  withSchema.searchParams.set("options", `-c search_path=${schema}`);
  return withSchema.toString();
}

main().catch(failStart);
