import type { SpanExporter } from "@opentelemetry/sdk-trace-base";
import { Authenticator } from "./auth/authenticate.js";
import { requestAuthenticator } from "./auth/http-context.js";
import { createGatewayCache, type GatewayCache } from "./cache/gateway-cache.js";
import { openRedis, type Redis } from "./redis/connection.js";
import { RedisTokenCache } from "./redis/redis-token-cache.js";
import type { GatewayConfig } from "./config/schema.js";
import { SourceRegistry } from "./federation/registry.js";
import { createContext } from "./graphql/context.js";
import { documentChecker } from "./documents/document-check.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { createLogger, type Logger } from "./logger.js";
import { createTelemetry } from "./observability/telemetry.js";
import { DEMO_EXAMPLES } from "./server/graphiql-examples.js";
import type { GraphiqlExample } from "./server/graphiql.js";
import { Admission } from "./server/admission.js";
import { readinessCheck } from "./server/health.js";
import type { PrefixedRoute } from "./server/routes.js";
import { createHttpServer } from "./server/http-server.js";
import { persistedQueryOptions } from "./server/persisted-queries.js";
import { createRateLimiter } from "./server/rate-limit.js";
import { createSources } from "./sources/create.js";
import { openStore, type Store } from "./store/store.js";
import { startGatewayEvents, type GatewayEvents } from "./events/gateway-events.js";
import { SyncScheduler } from "./sync/scheduler.js";
import { startWebhookDelivery, type WebhookDelivery } from "./webhooks/webhook-delivery.js";

export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** GraphiQL's example tabs; default: the demo's. */
  examples?: GraphiqlExample[];
  /** Paths served beside the API under a prefix: the demo's license control (src/demo/license-control.ts). */
  prefixedRoutes?: ReadonlyArray<PrefixedRoute>;
  /** Receives every span as it ends, instead of `telemetry.tracing.otlp` (tests); turns tracing on. */
  spanExporter?: SpanExporter;
}

export interface Gateway {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  store: Store;
  sources: SourceRegistry;
  /** License events (issue 16): `publish` committed events to the subscribers of every replica. */
  events: GatewayEvents;
  /** The license index's sync (issue 16), when `sync.enabled`: `runNow(source)` syncs one source at once. */
  sync: SyncScheduler | undefined;
  /** Webhooks (issue 16): every committed event queued for the webhooks that want it, and sent (`webhooks.enabled`). */
  webhooks: WebhookDelivery;
  close(): Promise<void>;
}

/**
 * Opens the store (running migrations), builds the sources and the schema, and listens. A config must say how
 * clients authenticate (`auth`); `auth.mode: off` is for the demo and tests, and is announced loudly.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger();
  const auth = config.auth;
  if (auth === undefined) {
    throw new Error('the config has no auth section: set auth.mode to "on" (API keys, JWTs) or, for a demo or test only, "off"');
  }
  if (auth.mode === "off") {
    logger.warn(
      { auth: "off" },
      "AUTHENTICATION IS OFF: every client is an admin and can see and change everything. Only for the demo and tests.",
    );
  }
  // Before anything is opened: a bad JWT setting (an unreadable JWKS file) is a config error, nothing to clean up.
  const jwt = await Authenticator.jwtVerifier(auth);
  const telemetry = await createTelemetry(config.telemetry, { logger, spanExporter: options.spanExporter });
  const store = await openStore(config.store.url, {
    ...(config.store.schema === undefined ? {} : { schema: config.store.schema }),
    onQuery: telemetry.storeQuery,
  });
  let redis: Redis | undefined;
  let cache: GatewayCache;
  try {
    redis = config.cache.url === undefined ? undefined : await openRedis(config.cache.url, { keyPrefix: config.cache.keyPrefix });
    cache = await createGatewayCache(config.cache, store, logger, redis);
  } catch (error) {
    redis?.disconnect();
    await store.close();
    throw error;
  }
  const sharedTokens = redis ? new RedisTokenCache(redis, logger) : undefined;
  // Every vendor HTTP client built here reports its calls to this gateway's telemetry.
  const sources = new SourceRegistry(createSources(config.sources, store, cache.sources, { sharedTokens, telemetry: telemetry.upstream }));
  telemetry.metrics?.watchSources(() => sources.all());
  const admission = new Admission(config.server.admission);
  telemetry.metrics?.watchAdmission(admission);
  telemetry.metrics?.watchCaches({ sources: cache.sources?.cache, responses: cache.responses });
  let events: GatewayEvents | undefined;
  try {
    // Between replicas through the cache's Redis, when there is one.
    events = await startGatewayEvents({ log: store.licenseEvents, redis, logger, ...config.subscriptions });
    const { feed: eventFeed, publish } = events;
    const authenticator = new Authenticator(auth.mode, store.apiKeys, jwt, logger);
    const schema = await buildGatewaySchema();
    const checkDocument = documentChecker(schema, config.server.limits);
    const http = await createHttpServer({
      schema,
      logger,
      examples: options.examples ?? DEMO_EXAMPLES,
      prefixedRoutes: options.prefixedRoutes,
      auth: auth.mode,
      authenticate: requestAuthenticator(authenticator, logger),
      createContext: (principal) =>
        createContext(
          {
            store,
            sources,
            responseCache: cache.contextDeps,
            batching: config.server.batching,
            locator: cache.locator,
            checkDocument,
            events: eventFeed,
            // A mutation's events, committed with it, reach every replica's subscribers at once.
            publishEvents: (committed) => void publish(committed),
            webhooks: { allowPrivateAddresses: config.webhooks.allowPrivateAddresses },
          },
          principal,
        ),
      responseCache: cache.responses,
      cacheSync: cache.sync,
      operationDeadlineMs: config.server.operationDeadlineMs,
      mode: config.server.mode,
      introspection: config.server.introspection,
      limits: config.server.limits,
      admission,
      // In the Redis the replicas share, when there is one: the limit then holds across them.
      rateLimiter: createRateLimiter(config.server.rateLimit, { redis, logger }),
      // In that Redis too: a document registered on one replica is known to all of them.
      persistedQueries: persistedQueryOptions(config.server.persistedQueries, { redis, logger }),
      readiness: readinessCheck({ db: store.db, sources: () => sources.all() }),
      telemetry: telemetry.http,
      trustedDocuments: store.trustedDocuments,
      getCacheControl: config.server.getCacheControl,
      cors: config.server.cors,
      eventStreams: config.subscriptions,
    });
    const url = await http.listen(config.server.port, config.server.host);
    // After the sources exist and the gateway listens; what it finds changed drops the cached answers about it.
    const invalidate = (tags: string[]) => cache.invalidation.invalidate(tags);
    const sync = config.sync.enabled
      ? new SyncScheduler({
          store,
          sources: sources.all(),
          config: config.sync,
          logger,
          invalidate,
          // Each account's events, once committed, to the subscribers of every replica.
          onEvents: (committed) => void publish(committed),
        })
      : undefined;
    sync?.start();
    if (sync) telemetry.metrics?.watchSync(() => sync.stats());
    // Every replica queues what its bus hands over (a delivery is queued once); one replica at a time sends.
    const webhooks = startWebhookDelivery(config.webhooks, {
      store,
      logger,
      subscribe: events.bus.subscribe.bind(events.bus),
      onOutcome: (outcome) => telemetry.metrics?.webhookDelivery(outcome),
    });
    let closing: Promise<void> | undefined;
    return {
      url,
      store,
      sources,
      events,
      sync,
      webhooks,
      // Once: a second call (SIGTERM after a test's own close, two signals) waits for the first.
      close: () =>
        (closing ??= (async () => {
          // The sync first: its vendor calls are aborted and its lease given up while the sources and the store are open.
          await sync?.close();
          // Drains first (readyz 503, in-flight operations finish within the grace period), then closes what they used.
          await http.close({ delayMs: config.server.shutdownDelayMs, graceMs: config.server.shutdownGraceMs });
          admission.close();
          // After the drain (its mutations' events are queued), before the store: waits for deliveries in flight.
          await webhooks.close();
          await events!.close();
          await sources.close();
          await store.close();
          await redis?.quit().catch(() => redis?.disconnect());
          // Last: the spans of the operations drained above are exported before the process goes.
          await telemetry.close();
        })()),
    };
  } catch (error) {
    await events?.close();
    await sources.close();
    await store.close();
    redis?.disconnect();
    throw error;
  }
}
