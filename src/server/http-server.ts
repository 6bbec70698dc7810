import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import type { GraphQLSchema } from "graphql";
import type { Logger } from "pino";
import { formatError } from "../errors/format.js";
import type { GatewayContext } from "../graphql/context.js";
import { renderGraphiqlPage, type GraphiqlExample } from "./graphiql.js";
import { partialErrorsPlugin } from "./partial-errors.js";
import { operationScope, runInOperation } from "../federation/operation-scope.js";

/** Largest GraphQL request body accepted. Default 1 MiB; operations are small, variables rarely large. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpServerOptions {
  schema: GraphQLSchema;
  createContext: (req: IncomingMessage) => Promise<GatewayContext> | GatewayContext;
  logger: Logger;
  examples: GraphiqlExample[];
  /** Checks the store and sources for /readyz. */
  ready: () => Promise<boolean>;
  /** The longest one operation may take, upstream calls included. */
  operationDeadlineMs: number;
}

export interface RunningHttpServer {
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

export async function createHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const log = (error: unknown) => options.logger.error({ err: error }, "unexpected error");
  const apollo = new ApolloServer<GatewayContext>({
    schema: options.schema,
    // GraphiQL is served by this server from its own files (no CDN), so Apollo's landing page is off.
    plugins: [ApolloServerPluginLandingPageDisabled(), partialErrorsPlugin(log)],
    formatError: (formatted, error) => formatError(formatted, error, log),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
  });
  await apollo.start();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(error);
      if (!res.headersSent) send(res, 500, "application/json", JSON.stringify({ errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] }));
      else res.destroy();
    });
  });

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
      return send(res, 200, "text/html; charset=utf-8", renderGraphiqlPage({ endpoint: "/graphql", title: "License gateway", examples: options.examples }));
    }
    const body = req.method === "POST" ? await readJsonBody(req, res) : undefined;
    if (body === INVALID) return;
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    // Every upstream call made for this operation sees its deadline (and stops if the client hangs up).
    const clientGone = new AbortController();
    res.once("close", () => clientGone.abort());
    const result = await runInOperation(operationScope(options.operationDeadlineMs, clientGone.signal), () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
        context: async () => options.createContext(req),
      }),
    );
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
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

const INVALID = Symbol("invalid body");

/** Reads a JSON body up to MAX_BODY_BYTES; answers 413/400 itself and returns INVALID when it cannot. */
async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      send(res, 413, "application/json", JSON.stringify({ errors: [{ message: `request body larger than ${MAX_BODY_BYTES} bytes`, extensions: { code: "BAD_REQUEST" } }] }));
      req.destroy();
      return INVALID;
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  const type = req.headers["content-type"] ?? "";
  if (!type.includes("json")) return text; // Apollo answers non-JSON bodies itself (and its CSRF check needs the raw type).
  try {
    return JSON.parse(text);
  } catch {
    send(res, 400, "application/json", JSON.stringify({ errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] }));
    return INVALID;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}
