import { createServer, STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";
import type { CorsConfig } from "../config/schema.js";
import { formatError } from "../errors/format.js";
import type { GatewayContext } from "../graphql/context.js";
import type { HttpTelemetry } from "../observability/telemetry.js";
import { admissionGate, type Admission } from "./admission.js";
import { startRequestLog } from "./access-log.js";
import { ConnectionDrain, type DrainOptions } from "./connection-drain.js";
import type { GraphiqlExample } from "./graphiql.js";
import { graphqlOverHttp } from "./graphql-over-http/graphql-over-http.js";
import type { PersistedQueryOptions } from "./graphql-over-http/persisted-queries.js";
import type { Readiness } from "./health.js";
import { KnownOperationTypesRule } from "./known-operation-types.js";
import { DEFAULT_EXTRA_LIMITS, documentLimitRules, type OperationLimits } from "./limits.js";
import { NoIntrospectionRule } from "./no-introspection.js";
import type { RateLimiter } from "./rate-limit.js";
import { badRequest } from "./request-body.js";
import { currentRequest, runInRequest } from "../domain/operation-context.js";
import { newRequestId, REQUEST_ID_HEADER } from "./request-id.js";
import type { TrustedDocumentLookup } from "./trusted-documents.js";
import { Exchange } from "./pipeline/exchange.js";
import { graphql } from "./pipeline/graphql.js";
import { graphqlPipeline, operationPlugins } from "./pipeline/pipeline.js";
import { refusals, send } from "./pipeline/refuse.js";
import { notFound, routeFor, routeTable, type PrefixedRoute } from "./routes.js";
import { ConnectionCap } from "./sse/connection-cap.js";
import { graphqlOverSse } from "./sse/graphql-over-sse.js";
import { SubscriptionsOverSseRule } from "./sse/operation-rules.js";
import { ssePipeline } from "./sse/sse-pipeline.js";

export interface HttpServerOptions {
  schema: GraphQLSchema;
  /** Who is asking; throws a GraphQLError (401, 500) that is the answer once the request would run, before anything runs. */
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
  /** Paths served under a prefix besides the API (the demo's license control, src/demo/license-control.ts). Default: none. */
  prefixedRoutes?: ReadonlyArray<PrefixedRoute> | undefined;
  /** How many operations execute at once and may wait (config `server.admission`; admission.ts). Default: no limit. */
  admission?: Admission | undefined;
  /** Requests per principal (config `server.rateLimit`); absent when off. See rate-limit.ts. */
  rateLimiter?: RateLimiter | undefined;
  /** Automatic persisted queries (persisted-queries.ts: where documents are kept, and how long); false turns them off. */
  persistedQueries: PersistedQueryOptions | false;
  /** Metrics and traces (src/observability/): the operation plugin, the metrics route, early refusals. Default: none. */
  telemetry?: HttpTelemetry | undefined;
  /** `Cache-Control` of successful GET answers (config `server.getCacheControl`; conditional-get.ts). Default `private, no-cache`. */
  getCacheControl?: string;
  /** API keys' published documents (trusted-documents.ts); absent, a request by `documentId` finds nothing. */
  trustedDocuments?: TrustedDocumentLookup | undefined;
  /** Browsers on other origins allowed to call /graphql (config `server.cors`; cors.ts). Default: none. */
  cors?: CorsConfig | undefined;
  /** Subscriptions over Server-Sent Events at /graphql (config `subscriptions`; sse/). Default: none (text/event-stream is not served). */
  eventStreams?: { maxConnectionsPerPrincipal: number; heartbeatMs: number } | undefined;
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
  const run = graphqlOverHttp<GatewayContext>({
    schema: options.schema,
    validationRules: [
      ...(introspection ? [] : [NoIntrospectionRule]),
      KnownOperationTypesRule,
      SubscriptionsOverSseRule,
      ...documentLimitRules(limits),
    ],
    plugins: operationPlugins({
      schema: options.schema,
      log,
      maxResolvedFields: limits.maxResolvedFields ?? DEFAULT_EXTRA_LIMITS.maxResolvedFields,
      production,
      responseCache: options.responseCache,
      telemetry: options.telemetry,
    }),
    formatError: (formatted, error) => formatError(formatted, error, log),
    persistedQueries: options.persistedQueries === false ? undefined : options.persistedQueries,
    // maxBatch 1 means no batching: any JSON array is refused (BAD_REQUEST). Larger batches are refused by the request limits.
    batching: limits.maxBatch > 1,
    logger: options.logger,
    gate: options.admission && admissionGate(options.admission),
  });

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
    graphql(run, options.createContext),
  );
  const eventStreams =
    options.eventStreams &&
    graphqlOverSse({
      schema: options.schema,
      validationRules: [...(introspection ? [] : [NoIntrospectionRule]), ...documentLimitRules(limits)],
      createContext: options.createContext,
      log,
      refuse,
      cap: new ConnectionCap(options.eventStreams.maxConnectionsPerPrincipal),
      heartbeatMs: options.eventStreams.heartbeatMs,
    });
  const streamPipeline =
    eventStreams &&
    ssePipeline(
      {
        authenticate: options.authenticate,
        cors: options.cors,
        limits,
        rateLimiter: options.rateLimiter,
        trustedDocuments: options.trustedDocuments,
        telemetry: options.telemetry,
        logger: options.logger,
        refuse,
      },
      eventStreams.handler,
    );
  const routes = routeTable({
    graphql: (req, res, url) => pipeline(new Exchange(req, res, url)),
    graphqlOverSse: streamPipeline && ((req, res, url) => streamPipeline(new Exchange(req, res, url))),
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
        await (routeFor(routes, options.prefixedRoutes, url.pathname) ?? notFound)(req, res, url);
      } catch (error) {
        log(error);
        if (!res.headersSent)
          send(
            res,
            500,
            "application/json",
            JSON.stringify({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }),
          );
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
    close: (drainOptions = { delayMs: 0, graceMs: 10_000 }) => {
      // Event streams never end by themselves: they complete now, so their clients reconnect (to another replica).
      eventStreams?.closeAll();
      return drain.close(drainOptions);
    },
  };
}
