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

/** Opens the store (running migrations), builds the sources and the schema, and listens. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger();
  const store = await openStore(config.store.url);
  const sources = new SourceRegistry(createSources(config.sources, store));
  try {
    const schema = await buildGatewaySchema();
    const http = await createHttpServer({
      schema,
      logger,
      examples: options.examples ?? DEMO_EXAMPLES,
      createContext: () => createContext({ store, sources }),
      operationDeadlineMs: config.server.operationDeadlineMs,
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
