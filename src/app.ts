import { Authenticator } from "./auth/authenticate.js";
import { requestAuthenticator } from "./auth/http-context.js";
import { createGatewayCache } from "./cache/gateway-cache.js";
import type { GatewayConfig } from "./config/schema.js";
import { SourceRegistry } from "./federation/registry.js";
import { createContext } from "./graphql/context.js";
import { buildGatewaySchema } from "./graphql/schema.js";
import { createLogger, type Logger } from "./logger.js";
import { DEMO_EXAMPLES } from "./server/graphiql-examples.js";
import type { GraphiqlExample } from "./server/graphiql.js";
import { createHttpServer } from "./server/http-server.js";
import { createSources } from "./sources/create.js";
import { openStore, type Store } from "./store/store.js";

export interface GatewayOptions {
  config: GatewayConfig;
  logger?: Logger;
  /** GraphiQL's example tabs; default: the demo's. */
  examples?: GraphiqlExample[];
}

export interface Gateway {
  /** The GraphQL endpoint, e.g. http://localhost:4000/graphql. */
  url: string;
  store: Store;
  sources: SourceRegistry;
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
    logger.warn({ auth: "off" }, "AUTHENTICATION IS OFF: every client is an admin and can see and change everything. Only for the demo and tests.");
  }
  // Before anything is opened: a bad JWT setting (an unreadable JWKS file) is a config error, nothing to clean up.
  const jwt = await Authenticator.jwtVerifier(auth);
  const store = await openStore(config.store.url);
  const cache = createGatewayCache(config.cache, store, logger);
  const sources = new SourceRegistry(createSources(config.sources, store, cache.sources));
  try {
    const authenticator = new Authenticator(auth.mode, store.apiKeys, jwt, logger);
    const schema = await buildGatewaySchema();
    const http = await createHttpServer({
      schema,
      logger,
      examples: options.examples ?? DEMO_EXAMPLES,
      authenticate: requestAuthenticator(authenticator, logger),
      createContext: (principal) => createContext({ store, sources, responseCache: cache.contextDeps, batching: config.server.batching, locator: cache.locator }, principal),
      responseCache: cache.responses,
      operationDeadlineMs: config.server.operationDeadlineMs,
      mode: config.server.mode,
      introspection: config.server.introspection,
      limits: config.server.limits,
      ready: async () => {
        await store.db.query("select 1");
        return true;
      },
    });
    const url = await http.listen(config.server.port, config.server.host);
    return {
      url,
      store,
      sources,
      async close() {
        await http.close();
        await sources.close();
        await store.close();
      },
    };
  } catch (error) {
    await sources.close();
    await store.close();
    throw error;
  }
}
