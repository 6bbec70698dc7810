import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApolloServer, HeaderMap, type PersistedQueryOptions } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLError, GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { formatError } from "../errors/format.js";
import type { GatewayContext } from "../graphql/context.js";
import { renderGraphiqlPage, type GraphiqlExample } from "./graphiql.js";
import { hideSuggestionsPlugin } from "./hide-suggestions.js";
import { KnownOperationTypesRule } from "./known-operation-types.js";
import { checkRequestLimits, DEFAULT_EXTRA_LIMITS, documentLimitRules, type OperationLimits } from "./limits.js";
import { partialErrorsPlugin } from "./partial-errors.js";
import { badRequest, discardRestOfBody, parseRequestBody, readRequestText } from "./request-body.js";
import { resolvedFieldsLimitPlugin } from "./resolved-fields.js";
import { operationScope, runInOperation } from "../federation/operation-scope.js";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { cacheStatus, CSRF_PREFLIGHT_HEADERS, isStorable, responseCacheKey } from "./response-cache-http.js";
import { responseCachePlugin } from "./response-cache-plugin.js";
import type { RateLimiter } from "./rate-limit.js";
import type { HttpTelemetry } from "../observability/telemetry.js";
import { accessLogPlugin, startRequestLog } from "./access-log.js";
import { ConnectionDrain, type DrainOptions } from "./connection-drain.js";
import { SHUTTING_DOWN, type Readiness } from "./health.js";
import { currentRequest, newRequestId, REQUEST_ID_HEADER, runInRequest } from "./request-id.js";
import { applyTrustedDocuments, type TrustedDocumentLookup } from "./trusted-documents.js";
import { addVary, cachingHeaders, notModified } from "./conditional-get.js";
import { corsStep } from "./cors.js";
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
  apollo: ApolloServer<GatewayContext>;
  listen(port: number, host: string): Promise<string>;
  /** Graceful: see ConnectionDrain. Default: no delay, 10 s of grace. */
  close(options?: DrainOptions): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = (error: unknown) => options.logger.error({ err: error, requestId: currentRequest()?.id }, "unexpected error");
  const production = options.mode === "production";
  const introspection = options.introspection ?? !production;
  const { limits } = options;
  const cors = corsStep(options.cors ?? { origins: [], maxAgeSeconds: 0 });
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

  const server = createServer((req, res) => {
    const record = startRequestLog(req, res, options.logger);
    drain.track(res);
    // The whole handling runs in the request's context, its error path included, so every log line has its id.
    void runInRequest(record, () =>
      handle(req, res).catch((error: unknown) => {
        log(error);
        if (!res.headersSent) send(res, 500, "application/json", JSON.stringify({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
        else res.destroy();
      }),
    );
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

  /** Answers a request refused before Apollo saw it, through the same error boundary as everything else. */
  function sendRefusal(req: IncomingMessage, res: ServerResponse, error: GraphQLError): void {
    const http = error.extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
    const status = http?.status ?? 400;
    // Headers the refusal carries, as Apollo applies them to its own (a 429's Retry-After).
    for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
    const body = JSON.stringify({ errors: [formatError(error.toJSON(), error, log)] });
    options.telemetry?.refused();
    if (status !== 413) return send(res, status, responseType(req.headers.accept), body);
    // A body too large: the answer is written at once, while the client may still be sending, and the connection
    // closes (so nothing more is sent on it) only once the rest of the body was read and dropped.
    res.setHeader("connection", "close");
    res.writeHead(status, { "content-type": responseType(req.headers.accept), "content-length": Buffer.byteLength(body) }).write(body);
    void discardRestOfBody(req).then(() => res.end());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway.invalid");
    if (url.pathname === "/healthz") return send(res, 200, "application/json", '{"status":"ok"}');
    // Alive while the process runs, draining included; ready only when health.ts says so and not shutting down.
    if (url.pathname === "/readyz") {
      const readiness = drain.draining ? SHUTTING_DOWN : await options.readiness();
      return send(res, readiness.ready ? 200 : 503, "application/json", JSON.stringify(readiness.body));
    }
    const metrics = options.telemetry?.metrics;
    if (metrics && url.pathname === metrics.path) return metrics.serve(req, res);
    if (url.pathname === "/") {
      res.writeHead(302, { location: "/graphql" }).end();
      return;
    }
    if (url.pathname !== "/graphql") return send(res, 404, "application/json", '{"error":"not found; the API is at /graphql"}');
    // First, so that every answer below carries the CORS headers; a preflight ends here.
    const crossOrigin = await cors(req, res);
    if (crossOrigin === "preflight answered") return;
    if (crossOrigin) return sendRefusal(req, res, crossOrigin);
    if (req.method === "GET" && !url.search && (req.headers.accept ?? "").includes("text/html")) {
      const page = renderGraphiqlPage({ endpoint: "/graphql", title: "License gateway", examples: options.examples, introspection, auth: options.auth });
      return send(res, 200, "text/html; charset=utf-8", page);
    }
    let text: string | undefined;
    if (req.method === "POST") {
      const read = await readRequestText(req, limits.maxBodyBytes);
      if (!read.ok) return sendRefusal(req, res, read.error);
      text = read.text;
    }
    // Authenticated before the cache is consulted: the principal is part of the key. A refusal is Apollo's to send.
    const auth = await options.authenticate(req).then(
      (principal) => ({ principal }),
      (error: unknown) => ({ error }),
    );
    if ("principal" in auth) currentRequest()!.principalId = auth.principal.id;
    // Counted before the cache: a cached answer is cheap, but the limit is about the client.
    const limited = options.rateLimiter && "principal" in auth ? await options.rateLimiter.refusal(auth.principal) : undefined;
    if (limited) return sendRefusal(req, res, limited);
    let body: unknown;
    const parseBody = (): GraphQLError | undefined => {
      if (text === undefined) return undefined;
      const parsed = parseRequestBody(req, text);
      if (!parsed.ok) return parsed.error;
      body = parsed.body;
      return undefined;
    };
    const trusted = async (principal: Principal): Promise<GraphQLError | undefined> => {
      const verdict = await applyTrustedDocuments(principal, req.method === "GET" ? { search: url.searchParams } : { payload: body }, options.trustedDocuments ?? NO_DOCUMENTS);
      for (const { apiKeyId, outcome, documentId, operationName } of verdict.outcomes) {
        options.telemetry?.trustedDocument(apiKeyId, outcome);
        // What an operator reads before locking a key: which of its client's operations the lock would refuse.
        if (outcome === "outside") options.logger.info({ apiKeyId, documentId, operationName }, "operation outside the API key's trusted documents (the key is not locked)");
      }
      return verdict.refusal;
    };
    // A key with trusted documents is checked before the cache: what a locked one may run can change after an
    // answer was cached (a lock, a replaced list), so the check is only ever as stale as the store; and an unlocked
    // one's operations outside its list are counted whether their answers were cached or not.
    const documentsFirst = "principal" in auth && (auth.principal.documents?.locked === true || auth.principal.documents?.published === true);
    if (documentsFirst) {
      const refusal = parseBody() ?? (await trusted(auth.principal));
      if (refusal) return sendRefusal(req, res, refusal);
    }
    // The key is the request as sent, so a cached answer is found before any parsing: the same bytes were
    // parsed, checked against the limits and executed when the answer was stored.
    const cachesUsable = options.cacheSync ? await options.cacheSync.before() : true;
    const cache = cachesUsable ? options.responseCache : undefined;
    const cacheKey = cache && "principal" in auth ? responseCacheKey(cache, req, url, text, auth.principal) : undefined;
    if (cache && cacheKey !== undefined) {
      const hit = cache.lookup(cacheKey);
      if (hit) {
        const { status, headers, body } = hit.response;
        const served = cacheStatus({ hit: true, ttlSeconds: hit.ttlSeconds });
        if (notModified(req, headers.find(([name]) => name === "etag")?.[1])) return sendNotModified(res, headers, served);
        setHeaders(res, headers);
        res.writeHead(status, ["cache-status", served, "content-length", String(body.length)]);
        res.end(body);
        return;
      }
    }
    if (!documentsFirst) {
      const refused = parseBody() ?? ("principal" in auth ? await trusted(auth.principal) : undefined);
      if (refused) return sendRefusal(req, res, refused);
    }
    const refusal = checkRequestLimits(req.method === "GET" ? getParameters(url.searchParams) : body, limits);
    if (refusal) return sendRefusal(req, res, refusal);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    // Every upstream call made for this operation sees its deadline (and stops if the client hangs up). A close
    // after the answer was sent is not the client going away: aborting then only made an AbortError for nothing.
    const clientGone = new AbortController();
    let context: GatewayContext | undefined;
    const scope = operationScope(options.operationDeadlineMs, clientGone.signal);
    res.once("close", () => {
      if (!res.writableFinished) clientGone.abort();
      scope.end();
    });
    if (!cachesUsable) scope.cacheBypass = true;
    const result = await runInOperation(scope, () =>
      apollo.executeHTTPGraphQLRequest({
        // url.search as possibly rewritten: a GET by documentId carries the document's text from here on.
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => {
          if ("error" in auth) throw auth.error;
          return (context = options.createContext(auth.principal));
        },
      }),
    );
    await options.cacheSync?.after();
    const status = result.status ?? 200;
    if (result.body.kind === "complete") {
      const answer = result.body.string;
      const caching = cachingHeaders(req.method, status, answer, result.headers.get("cache-control"), options.getCacheControl);
      for (const [name, value] of caching) result.headers.set(name, value);
      const headers = [...result.headers].filter(([name]) => name !== "content-length");
      let stored: string | undefined;
      if (cache && cacheKey !== undefined && context?.cacheReads && isStorable(req, url, body)) {
        stored = cacheStatus({ hit: false, ...cache.store(cacheKey, { status, headers, body: answer }, context.cacheReads, scope.cacheFreshUntil) });
      }
      if (notModified(req, result.headers.get("etag"))) return sendNotModified(res, headers, stored);
      setHeaders(res, headers);
      if (stored !== undefined) res.setHeader("cache-status", stored);
      res.statusCode = status;
      res.end(answer);
      return;
    }
    setHeaders(res, result.headers);
    res.statusCode = status;
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  return {
    server,
    apollo,
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

/** 304: the client's copy is current. Only the validators and caching headers go back (RFC 9110, 15.4.5). */
function sendNotModified(res: ServerResponse, headers: ReadonlyArray<readonly [string, string]>, served: string | undefined): void {
  setHeaders(res, headers.filter(([name]) => name === "etag" || name === "cache-control" || name === "vary"));
  res.writeHead(304, served === undefined ? [] : ["cache-status", served]).end();
}

/** An answer's own headers onto `res`; Vary is added to, since the CORS step may have set it (Origin) already. */
function setHeaders(res: ServerResponse, headers: Iterable<readonly [string, string]>): void {
  for (const [name, value] of headers) {
    if (name === "vary") addVary(res, value);
    else res.setHeader(name, value);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

/** A GET request's operation, for the limits checked before Apollo; Apollo reads and checks the parameters itself. */
function getParameters(search: URLSearchParams): { query: string | null; variables: unknown } {
  const variables = search.get("variables");
  let parsed: unknown;
  try {
    parsed = variables === null ? undefined : JSON.parse(variables);
  } catch {
    parsed = undefined; // Apollo refuses it as BAD_REQUEST
  }
  return { query: search.get("query"), variables: parsed };
}

const JSON_TYPE = "application/json; charset=utf-8";
const GRAPHQL_RESPONSE_TYPE = "application/graphql-response+json; charset=utf-8";

/**
 * The media type of a response the gateway writes itself, chosen as Apollo (negotiator) chooses for its own:
 * of application/json and application/graphql-response+json, the one the Accept header rates higher (q, then
 * an exact name over a wildcard, then the earlier range); application/json without an Accept header, or when
 * the header names neither (Apollo would answer 406; a refusal is more useful).
 */
function responseType(accept: string | undefined): string {
  const best = new Map<string, number[]>();
  (accept ?? "").split(",").forEach((range, index) => {
    const [name = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const qParameter = parameters.find((p) => p.startsWith("q="));
    const q = qParameter === undefined ? 1 : Number(qParameter.slice(2));
    if (!(q > 0)) return;
    const candidates = name === "*/*" || name === "application/*" ? [JSON_TYPE, GRAPHQL_RESPONSE_TYPE] : name === "application/json" ? [JSON_TYPE] : name === "application/graphql-response+json" ? [GRAPHQL_RESPONSE_TYPE] : [];
    const score = [q, candidates.length === 1 ? 1 : 0, -index];
    for (const type of candidates) if (compare(score, best.get(type)) > 0) best.set(type, score);
  });
  return compare(best.get(GRAPHQL_RESPONSE_TYPE), best.get(JSON_TYPE)) > 0 ? GRAPHQL_RESPONSE_TYPE : JSON_TYPE;
}

/** Lexicographic; a missing score is lower than any. */
function compare(a: number[] | undefined, b: number[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Where no store backs trusted documents (tests of the HTTP layer alone): no key has any. */
const NO_DOCUMENTS: TrustedDocumentLookup = { body: async () => null, has: async () => false };
