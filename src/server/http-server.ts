import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLError, GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { formatError } from "../errors/format.js";
import type { GatewayContext } from "../graphql/context.js";
import { renderGraphiqlPage, type GraphiqlExample } from "./graphiql.js";
import { hideSuggestionsPlugin } from "./hide-suggestions.js";
import { KnownOperationTypesRule } from "./known-operation-types.js";
import { checkRequestLimits, DEFAULT_EXTRA_LIMITS, documentLimitRules, type OperationLimits } from "./limits.js";
import { partialErrorsPlugin } from "./partial-errors.js";
import { badRequest, parseRequestBody, readRequestText } from "./request-body.js";
import { resolvedFieldsLimitPlugin } from "./resolved-fields.js";
import { operationScope, runInOperation } from "../federation/operation-scope.js";
import type { Principal } from "../auth/principal.js";
import type { ResponseCache } from "../cache/response-cache.js";
import { cacheStatus, isStorable, responseCacheKey } from "./response-cache-http.js";
import { responseCachePlugin } from "./response-cache-plugin.js";

export interface HttpServerOptions {
  schema: GraphQLSchema;
  /** Who is asking; throws a GraphQLError (401, 500) that Apollo answers with, before anything runs. */
  authenticate: (req: IncomingMessage) => Promise<Principal>;
  createContext: (principal: Principal) => GatewayContext;
  /** Whole-response cache for queries; absent when `cache.responses` is off. */
  responseCache?: ResponseCache | undefined;
  logger: Logger;
  examples: GraphiqlExample[];
  /** Checks the store and sources for /readyz. */
  ready: () => Promise<boolean>;
  /** The longest one operation may take, upstream calls included. */
  operationDeadlineMs: number;
  /** `production` hides schema suggestions in error messages and, unless `introspection` says otherwise, turns introspection off. */
  mode: "production" | "development";
  /** Whether `__schema` and `__type` may be queried. Default: on in development, off in production. */
  introspection?: boolean;
  /** Limits against abusive requests (config `server.limits`); see limits.ts. */
  limits: OperationLimits;
}

export interface RunningHttpServer {
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = (error: unknown) => options.logger.error({ err: error }, "unexpected error");
  const production = options.mode === "production";
  const introspection = options.introspection ?? !production;
  const { limits } = options;
  const apollo = new ApolloServer<GatewayContext>({
    schema: options.schema,
    // GraphiQL is served by this server from its own files (no CDN), so Apollo's landing page is off.
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      partialErrorsPlugin(log),
      // After partialErrorsPlugin: an operation stopped by this limit answers with its one error only.
      resolvedFieldsLimitPlugin<GatewayContext>(limits.maxResolvedFields ?? DEFAULT_EXTRA_LIMITS.maxResolvedFields),
      ...(production ? [hideSuggestionsPlugin<GatewayContext>()] : []),
      // Last: it must see the errors the plugins above add.
      ...(options.responseCache ? [responseCachePlugin()] : []),
    ],
    formatError: (formatted, error) => formatError(formatted, error, log),
    includeStacktraceInErrorResponses: false,
    // Simple requests (text/plain, forms, no content type) are refused unless they carry a preflight header.
    csrfPrevention: true,
    introspection,
    validationRules: [KnownOperationTypesRule, ...documentLimitRules(limits)],
    // maxBatch 1 means no batching: Apollo refuses any JSON array (BAD_REQUEST). Larger batches are refused before Apollo.
    allowBatchedHttpRequests: limits.maxBatch > 1,
  });
  await apollo.start();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(error);
      if (!res.headersSent) send(res, 500, "application/json", JSON.stringify({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
      else res.destroy();
    });
  });
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
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  /** Answers a request refused before Apollo saw it, through the same error boundary as everything else. */
  function sendRefusal(req: IncomingMessage, res: ServerResponse, error: GraphQLError): void {
    const status = (error.extensions.http as { status?: number } | undefined)?.status ?? 400;
    const body = JSON.stringify({ errors: [formatError(error.toJSON(), error, log)] });
    // A body too large is left unread; closing the connection afterwards keeps the client from sending it on.
    if (status === 413) res.setHeader("connection", "close");
    send(res, status, responseType(req.headers.accept), body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway.invalid");
    if (url.pathname === "/healthz") return send(res, 200, "application/json", '{"status":"ok"}');
    if (url.pathname === "/readyz") {
      const ready = await options.ready().catch(() => false);
      return send(res, ready ? 200 : 503, "application/json", JSON.stringify({ status: ready ? "ready" : "not ready" }));
    }
    if (url.pathname === "/") {
      res.writeHead(302, { location: "/graphql" }).end();
      return;
    }
    if (url.pathname !== "/graphql") return send(res, 404, "application/json", '{"error":"not found; the API is at /graphql"}');
    if (req.method === "GET" && !url.search && (req.headers.accept ?? "").includes("text/html")) {
      const page = renderGraphiqlPage({ endpoint: "/graphql", title: "License gateway", examples: options.examples, introspection });
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
    // The key is the request as sent, so a cached answer is found before any parsing: the same bytes were
    // parsed, checked against the limits and executed when the answer was stored.
    const cache = options.responseCache;
    const cacheKey = cache && "principal" in auth ? responseCacheKey(cache, req, url, text, auth.principal) : undefined;
    if (cache && cacheKey !== undefined) {
      const hit = cache.lookup(cacheKey);
      if (hit) {
        const { status, headers, body } = hit.response;
        res.writeHead(status, [...headers.flat(), "cache-status", cacheStatus({ hit: true, ttlSeconds: hit.ttlSeconds }), "content-length", String(body.length)]);
        res.end(body);
        return;
      }
    }
    let body: unknown;
    if (text !== undefined) {
      const parsed = parseRequestBody(req, text);
      if (!parsed.ok) return sendRefusal(req, res, parsed.error);
      body = parsed.body;
    }
    const refusal = checkRequestLimits(req.method === "GET" ? getParameters(url.searchParams) : body, limits);
    if (refusal) return sendRefusal(req, res, refusal);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    // Every upstream call made for this operation sees its deadline (and stops if the client hangs up).
    const clientGone = new AbortController();
    res.once("close", () => clientGone.abort());
    let context: GatewayContext | undefined;
    const scope = operationScope(options.operationDeadlineMs, clientGone.signal);
    const result = await runInOperation(scope, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => {
          if ("error" in auth) throw auth.error;
          return (context = options.createContext(auth.principal));
        },
      }),
    );
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      if (cache && cacheKey !== undefined && context?.cacheReads && isStorable(req, url, body)) {
        const kept = cache.store(cacheKey, { status: res.statusCode, headers: [...result.headers].filter(([name]) => name !== "content-length"), body: result.body.string }, context.cacheReads, scope.cacheFreshUntil);
        res.setHeader("cache-status", cacheStatus({ hit: false, ...kept }));
      }
      res.end(result.body.string);
      return;
    }
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
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
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
