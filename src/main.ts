import { startGateway } from "./app.js";
import { configSchema } from "./config/schema.js";
import { readStartupSettings, withListenOverrides } from "./config/env.js";
import { seedDemo } from "./demo/seed.js";
import { startDemoVendors } from "./demo/vendors.js";
import { createLogger } from "./logger.js";

/** Entry point: read the config (or start the demo), open the store, start the server. Nothing else. */
async function main(): Promise<void> {
  const logger = createLogger();
  const settings = await readStartupSettings(process.argv.slice(2), process.env);
  const demo = settings.config === undefined ? await startDemoVendors() : undefined;
  // The demo keeps its store in memory: its vendor simulators start fresh every time, and so should the store.
  // The demo alone runs with authentication off (startGateway says so loudly): it is for trying the API locally.
  const base =
    settings.config ??
    configSchema.parse({
      store: { url: "memory://" },
      sources: demo!.sources,
      auth: { mode: "off" },
      // The demo is for exploring: GraphiQL's docs need introspection, and suggestions help people learn the schema.
      server: { mode: "development" },
    });
  const config = withListenOverrides(base, settings);
  const gateway = await startGateway({ config, logger });
  if (demo) await seedDemo(gateway.store);
  logger.info(
    { url: gateway.url, sources: gateway.sources.all().map((s) => `${s.id} (${s.kind})`), store: config.store.url.replace(/\/\/[^@/]*@/, "//***@") },
    demo ? "demo gateway ready: built-in vendor simulators, in-memory store; open the url in a browser for GraphiQL" : "gateway ready",
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await gateway.close();
    await demo?.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  // Startup errors (a bad config, an unreachable database) are for the operator: say what, then exit non-zero.
  console.error(`license-gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
