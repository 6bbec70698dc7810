import { randomBytes } from "node:crypto";
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll } from "vitest";
import { pino, type Logger } from "pino";
import type { z } from "zod";
import { startGateway, type Gateway } from "../../src/app.js";
import { configSchema } from "../../src/config/schema.js";
import { seedDemo } from "../../src/demo/seed.js";
import { openDb } from "../../src/store/db.js";
import { deleteKeys } from "./redis-keys.js";
import { startDemoVendors, type DemoVendors } from "../../src/demo/vendors.js";
import { defaultEsmartUsers } from "../../src/simulators/esmart/server.js";
import type { EsmartUser } from "../../src/simulators/esmart/request-context.js";

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  body: { data?: T; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }> };
}

export interface TestGateway {
  gateway: Gateway;
  vendors: DemoVendors;
  /** POSTs an operation; `headers` are added to the request (e.g. `authorization`). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Every simulator's call counter back to zero, faults cleared. */
  resetCalls(): void;
  /** Upstream calls to every vendor's API since the last reset. */
  apiCalls(): number;
  /** The eSmart simulator's one user; push customer ids to grant it more. */
  esmartUser: EsmartUser;
}

/**
 * The real thing on port 0: both Eniris simulators, the gateway with an in-memory SQLite store seeded with the
 * demo data. One per test file.
 */
export function useTestGateway(
  options: {
    sourceOverrides?: Record<string, Record<string, unknown>>;
    /** Merged into `server` (mode, introspection, limits, ...); host and port stay 127.0.0.1:0 unless given. */
    serverOverrides?: Partial<NonNullable<z.input<typeof configSchema>["server"]>>;
    /** The config's `auth` section. Default `{ mode: "off" }`: every request is an admin. */
    auth?: z.input<typeof configSchema>["auth"];
    /** The config's `cache` section. Default: the production default (on). */
    cache?: z.input<typeof configSchema>["cache"];
    /** The config's `telemetry` section. Default: the production default (metrics on, no traces). */
    telemetry?: z.input<typeof configSchema>["telemetry"];
    /** Receives the gateway's spans as they end (an InMemorySpanExporter); turns tracing on. */
    spanExporter?: SpanExporter;
    /** The config's `webhooks` section (e.g. `{ allowPrivateAddresses: true }` for a receiver on 127.0.0.1). */
    webhooks?: z.input<typeof configSchema>["webhooks"];
    /** The config's `sync` section (e.g. on, with an interval of a day so `gateway.sync.runNow` does the syncing). */
    sync?: z.input<typeof configSchema>["sync"];
    /** The gateway's logger, e.g. `createLogger("info", stream)` to read what it logs. Default: silent (TEST_LOG_LEVEL). */
    logger?: Logger;
  } = {},
): TestGateway {
  const sharedServices = testServices();
  let gateway: Gateway | undefined;
  let vendors: DemoVendors | undefined;
  const esmartUser = defaultEsmartUsers()[0]!;

  beforeAll(async () => {
    vendors = await startDemoVendors({ esmartUser });
    const sources = Object.fromEntries(
      Object.entries(vendors.sources).map(([id, s]) => [id, { ...s, timeoutMs: 5_000, ...options.sourceOverrides?.[id] }]),
    );
    const config = configSchema.parse({
      server: { host: "127.0.0.1", port: 0, ...options.serverOverrides },
      store: sharedServices.store,
      sources,
      auth: options.auth ?? { mode: "off" },
      cache: { ...sharedServices.cache, ...options.cache },
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      ...(options.webhooks ? { webhooks: options.webhooks } : {}),
      ...(options.sync ? { sync: options.sync } : {}),
    });
    const logger = options.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
    gateway = await startGateway({ config, logger, ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}) });
    await seedDemo(gateway.store);
  });

  afterAll(async () => {
    await gateway?.close();
    await vendors?.close();
    await sharedServices.cleanUp();
  });

  const sims = () => [vendors!.sofar, vendors!.smartgridone, vendors!.cryptolens, vendors!.flashstart, vendors!.esmart];
  return {
    esmartUser,
    get gateway() {
      return gateway!;
    },
    get vendors() {
      return vendors!;
    },
    async gql(query, variables, headers) {
      const res = await fetch(gateway!.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse["body"] };
    },
    resetCalls() {
      for (const sim of sims()) {
        sim.calls.reset();
        sim.clearFaults();
      }
    },
    apiCalls() {
      return sims().reduce((n, sim) => n + sim.calls.count({ server: "api" }), 0);
    },
  };
}

/**
 * Where a test gateway keeps its data. Embedded (SQLite in memory, everything shared in-process) by default; with
 * DATABASE_URL (as `.ci/run` sets) the store is that PostgreSQL, in a schema of the test file's own, dropped
 * afterwards; with REDIS_URL the cache's shared state is in that Redis under a key prefix of the file's own, deleted
 * afterwards. So the whole suite runs against the production engines in CI and still passes without them.
 */
export function testServices(): {
  store: { url: string; schema?: string };
  cache: { url?: string; keyPrefix?: string };
  cleanUp(): Promise<void>;
} {
  const id = randomBytes(6).toString("hex");
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const schema = `lg_gw_${id}`;
  const keyPrefix = `lg-test:${id}:`;
  return {
    store: databaseUrl ? { url: databaseUrl, schema } : { url: "memory://" },
    cache: redisUrl ? { url: redisUrl, keyPrefix } : {},
    async cleanUp() {
      if (databaseUrl) {
        const admin = await openDb(databaseUrl);
        await admin.query(`drop schema if exists ${schema} cascade`).finally(() => admin.close());
      }
      if (redisUrl) await deleteKeys(redisUrl, keyPrefix);
    },
  };
}
