import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApolloServer, type PersistedQueryOptions } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { formatError } from "../errors/format.js";
import type { GatewayContext } from "../graphql/context.js";
import type { GraphiqlExample } from "./graphiql.js";
import { hideSuggestionsPlugin } from "./hide-suggestions.js";
import { KnownOperationTypesRule } from "./known-operation-types.js";
import { DEFAULT_EXTRA_LIMITS, documentLimitRules, type OperationLimits } from "./limits.js";
import { partialErrorsPlugin } from "./partial-errors.js";
import { badRequest } from "./request-body.js";
import { resolvedFieldsLimitPlugin } from "./resolved-fields.js";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { CSRF_PREFLIGHT_HEADERS } from "./response-cache-http.js";
import { responseCachePlugin } from "./response-cache-plugin.js";
import type { RateLimiter } from "./rate-limit.js";
import type { HttpTelemetry } from "../observability/telemetry.js";
import { accessLogPlugin, startRequestLog } from "./access-log.js";
import { ConnectionDrain, type DrainOptions } from "./connection-drain.js";
import type { Readiness } from "./health.js";
import { currentRequest, newRequestId, REQUEST_ID_HEADER, runInRequest } from "./request-id.js";
import type { TrustedDocumentLookup } from "./trusted-documents.js";
import { apolloExecution } from "./pipeline/apollo-execution.js";
import { Exchange } from "./pipeline/exchange.js";
import { graphqlPipeline } from "./pipeline/pipeline.js";
import { refusals, send } from "./pipeline/refuse.js";
import { notFound, routeTable } from "./routes.js";
import type { CorsConfig } from "../config/schema.js";

export interface HttpServerOptions {
  schema: GraphQLSchema;
  /** Who is asking; throws a GraphQLError (401, 500) that Apollo answers with, before anything runs. */
  authenticate: (req: IncomingMessage) => Promise<Principal>;
  createContext: (principal: Principal) => GatewayContext;
  /** Whole-response cache for queries; absent when `cache.responses` is off. */
  responseCache?: ResponseCache | undefined;
  /**
   * With several replicas (Redis): `before` applies what other replicas changed to this one's caches, and says
   * whether the caches may be used (false when that could not be learned); `after` waits until this replica's
   * own changes are published, so a mutation's response is sent only once every replica will see its effect.
   */
  cacheSync?: { before(): Promise<boolean>; after(): Promise<void> } | undefined;
  logger: Logger;
  examples: GraphiqlExample[];
  /** Config `auth.mode`, so GraphiQL's headers editor starts with what a request needs (see graphiql.ts). Default: nothing prefilled. */
  auth?: "on" | "off";
  /** The checks behind /readyz (health.ts); never throws. */
  readiness: () => Promise<Readiness>;
  /** The longest one operation may take, upstream calls included. */
  operationDeadlineMs: number;
  /** `production` hides schema suggestions in error messages and, unless `introspection` says otherwise, turns introspection off. */
  mode: "production" | "development";
  /** Whether `__schema` and `__type` may be queried. Default: on in development, off in production. */
  introspection?: boolean;
  /** Limits against abusive requests (config `server.limits`); see limits.ts. */
  limits: OperationLimits;
  /** Requests per principal (config `server.rateLimit`); absent when off. See rate-limit.ts. */
  rateLimiter?: RateLimiter | undefined;
  /** Automatic persisted queries (persisted-queries.ts); false turns them off. Default: Apollo's own, in memory. */
  persistedQueries?: PersistedQueryOptions | false;
  /** Metrics and traces (src/observability/): the operation plugin, the metrics route, early refusals. Default: none. */
  telemetry?: HttpTelemetry | undefined;
  /** `Cache-Control` of successful GET answers (config `server.getCacheControl`; conditional-get.ts). Default `private, no-cache`. */
  getCacheControl?: string;
  /** API keys' published documents (trusted-documents.ts); absent, a request by `documentId` finds nothing. */
  trustedDocuments?: TrustedDocumentLookup | undefined;
  /** Browsers on other origins allowed to call /graphql (config `server.cors`; cors.ts). Default: none. */
  cors?: CorsConfig | undefined;
}

export interface RunningHttpServer {
  server: Server;
  listen(port: number, host: string): Promise<string>;
  /** Graceful: see ConnectionDrain. Default: no delay, 10 s of grace. */
  close(options?: DrainOptions): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = (error: unknown) => options.logger.error({ err: error, requestId: currentRequest()?.id }, "unexpected error");
  const production = options.mode === "production";
  const introspection = options.introspection ?? !production;
  const { limits } = options;
  const apollo = new ApolloServer<GatewayContext>({
    schema: options.schema,
    // GraphiQL is served by this server from its own files (no CDN), so Apollo's landing page is off.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // The gateway sets the caching headers itself (conditional-get.ts) and its response cache tracks what each
      // operation read, so Apollo's cache-control plugin, installed unless disabled, has nothing to do; it would
      // compute a cache policy in a hook on every field resolved.
      ApolloServerPluginCacheControlDisabled(),
      partialErrorsPlugin(log),
      // After partialErrorsPlugin: an operation stopped by this limit answers with its one error only.
      resolvedFieldsLimitPlugin<GatewayContext>(limits.maxResolvedFields ?? DEFAULT_EXTRA_LIMITS.maxResolvedFields),
      ...(production ? [hideSuggestionsPlugin<GatewayContext>()] : []),
      // Last: it must see the errors the plugins above add.
      ...(options.responseCache ? [responseCachePlugin()] : []),
      // After partialErrorsPlugin too: an operation's outcome is read from the response as sent.
      ...(options.telemetry?.plugins ?? []),
      accessLogPlugin<GatewayContext>(),
    ],
    formatError: (formatted, error) => formatError(formatted, error, log),
    includeStacktraceInErrorResponses: false,
    // The gateway stops on SIGTERM and SIGINT itself (src/main.ts: not ready, drain, then close). Apollo's own
    // handler, on unless NODE_ENV is test, would stop Apollo and send the signal again, which main takes for an
    // operator's second signal: exit 1 at once, requests in flight cut off.
    stopOnTerminationSignals: false,
    // Simple requests (text/plain, forms, no content type, so any GET) are refused unless they carry a header that
    // forces a browser preflight; see CSRF_PREFLIGHT_HEADERS for why `authorization` is one.
    csrfPrevention: { requestHeaders: CSRF_PREFLIGHT_HEADERS },
    ...(options.persistedQueries !== undefined ? { persistedQueries: options.persistedQueries } : {}),
    introspection,
    validationRules: [KnownOperationTypesRule, ...documentLimitRules(limits)],
    // maxBatch 1 means no batching: Apollo refuses any JSON array (BAD_REQUEST). Larger batches are refused before Apollo.
    allowBatchedHttpRequests: limits.maxBatch > 1,
  });
  await apollo.start();

  const refuse = refusals(log, options.telemetry?.refused);
  const pipeline = graphqlPipeline(
    {
      ...options,
      responseCache: options.responseCache,
      cacheSync: options.cacheSync,
      auth: options.auth,
      introspection,
      rateLimiter: options.rateLimiter,
      telemetry: options.telemetry,
      getCacheControl: options.getCacheControl,
      trustedDocuments: options.trustedDocuments,
      cors: options.cors,
      refuse,
    },
    apolloExecution(apollo, options.createContext),
  );
  const routes = routeTable({
    graphql: (req, res, url) => pipeline(new Exchange(req, res, url)),
    readiness: options.readiness,
    draining: () => drain.draining,
    metrics: options.telemetry?.metrics,
  });

  const server = createServer((req, res) => {
    const record = startRequestLog(req, res, options.logger);
    drain.track(res);
    // The whole handling runs in the request's context, its error path included, so every log line has its id.
    void runInRequest(record, async () => {
      try {
        // An absolute-form target (`GET http://host/graphql`) is read as a browser would: its path decides.
        const url = new URL(req.url ?? "/", "http://gateway.invalid");
        await (routes.get(url.pathname) ?? notFound)(req, res, url);
      } catch (error) {
        log(error);
        if (!res.headersSent) send(res, 500, "application/json", JSON.stringify({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
        else res.destroy();
      }
    });
  });
  const drain = new ConnectionDrain(server, options.logger);
  // Requests Node's parser refuses before any handler runs (headers or URL over 16 KiB, broken HTTP) get a coded
  // GraphQL answer too, instead of Node's bare status line.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, message] =
      error.code === "HPE_HEADER_OVERFLOW"
        ? [431, "the request line and headers are larger than the server accepts; send large operations in a POST body"]
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "the request took too long to arrive"]
          : [400, "the request is not valid HTTP"];
    const refusal = badRequest(message);
    const body = JSON.stringify({ errors: [formatError(refusal.toJSON(), refusal, log)] });
    // No request was parsed, so no client id to keep: a new one, logged with the refusal.
    const requestId = newRequestId();
    options.logger.info({ requestId, status, reason: error.code }, "request refused before parsing");
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n${REQUEST_ID_HEADER}: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address();
          const actual = typeof address === "object" && address ? address.port : port;
          resolve(`http://${host === "0.0.0.0" || host === "::" ? "localhost" : host}:${actual}/graphql`);
        });
      }),
    async close(drainOptions = { delayMs: 0, graceMs: 10_000 }) {
      await drain.close(drainOptions);
      await apollo.stop();
    },
  };
}
