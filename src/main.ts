import { startGateway, type Gateway } from "./app.js";
import { configSchema } from "./config/schema.js";
import { readStartupSettings, withListenOverrides } from "./config/env.js";
import { DEMO_CORS_ORIGINS } from "./demo/cors.js";
import { demoLicenseControl, DEMO_LICENSE_CONTROL_PATH } from "./demo/license-control.js";
import { seedDemo } from "./demo/seed.js";
import { startDemoVendors, type DemoVendors } from "./demo/vendors.js";
import { createLogger, type Logger } from "./logger.js";
import { redactUrl } from "./store/db.js";

/** How often the demo syncs each source into the license index. */
const DEMO_SYNC_INTERVAL_MS = 5_000;

/** Entry point: read the config (or start the demo), open the store, start the server, stop on a signal. */
async function main(): Promise<void> {
  const settings = await readStartupSettings(process.argv.slice(2), process.env);
  const logger = createLogger(settings.config?.server.logLevel ?? "info");
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
      // A front end in development on this machine may call it (src/demo/cors.ts).
      server: { mode: "development", cors: { origins: DEMO_CORS_ORIGINS } },
      // The license index syncs every few seconds, so a change made at a simulator (DEMO_LICENSE_CONTROL_PATH)
      // reaches GraphiQL's "License events" tab soon after; vendors would not welcome this pace.
      sync: { enabled: true, intervalMs: DEMO_SYNC_INTERVAL_MS },
      // The demo's webhook receivers run on this machine.
      webhooks: { allowPrivateAddresses: true },
    });
  const config = withListenOverrides(base, settings);
  const prefixedRoutes = demo ? [{ prefix: DEMO_LICENSE_CONTROL_PATH, route: demoLicenseControl(demo) }] : [];
  const gateway = await startGateway({ config, logger, prefixedRoutes }).catch(async (error: unknown) => {
    await demo?.close();
    throw error;
  });
  if (demo) await seedDemo(gateway.store);
  logger.info(
    { url: gateway.url, sources: gateway.sources.all().map((s) => `${s.id} (${s.kind})`), store: redactUrl(config.store.url) },
    demo ? "demo gateway ready: built-in vendor simulators, in-memory store; open the url in a browser for GraphiQL" : "gateway ready",
  );
  if (demo) {
    logger.info(
      {
        example: `curl -X POST ${new URL(`${DEMO_LICENSE_CONTROL_PATH}cryptolens/<key>`, gateway.url)} -H 'content-type: application/json' -d '{"kind":"block"}'`,
      },
      `demo: change a license at its simulator, behind the gateway's back, and watch GraphiQL's "License events" tab (the sync runs every ${DEMO_SYNC_INTERVAL_MS / 1000} s)`,
    );
  }
  stopOnSignals(gateway, demo, logger, config.server.shutdownGraceMs);
}

/**
 * SIGTERM (orchestrators) and SIGINT (Ctrl-C) stop the gateway gracefully: /readyz turns 503 at once, in-flight
 * operations finish within `server.shutdownGraceMs`, then pools, Redis and the store are closed and the process
 * exits 0. A second signal while that runs exits at once (1), for an operator who does not want to wait.
 */
function stopOnSignals(gateway: Gateway, demo: DemoVendors | undefined, logger: Logger, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting without waiting for the shutdown to finish");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs }, "shutting down: not ready any more, finishing the requests in flight");
    const started = Date.now();
    gateway
      .close()
      .then(() => demo?.close())
      .then(
        () => {
          logger.info({ durationMs: Date.now() - started }, "stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  // Startup errors (a bad config, an unreachable database) are for the operator: say what, then exit non-zero.
  console.error(`license-gateway failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
