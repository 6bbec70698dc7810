import type { IncomingMessage } from "node:http";
import { GraphQLError, parse, validate, type ExecutionResult, type GraphQLSchema, type ValidationRule } from "graphql";
import { createHandler, type Request as SseRequest } from "graphql-sse";
import type { Principal } from "../../auth/principal.js";
import { formatError, type ErrorLogger } from "../../errors/format.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { LicenseEventsRoot } from "../../graphql/events/license-event.resolver.js";
import { syntaxError, validationError } from "../graphql-over-http/request-errors.js";
import { headerOf } from "../graphql-over-http/types.js";
import type { Exchange, Handler } from "../pipeline/exchange.js";
import type { Refuse } from "../pipeline/refuse.js";
import type { ConnectionCap } from "./connection-cap.js";
import { writable, writeEventStream } from "./event-stream-response.js";
import { OnlySubscriptionsRule, SPECIFIED_RULES } from "./operation-rules.js";

/** Whether a request asks for an event stream (GraphQL over SSE): what an EventSource, curl -H and graphql-sse's client send. */
export function acceptsEventStream(req: IncomingMessage): boolean {
  return (headerOf(req.headers, "accept") ?? "").toLowerCase().includes("text/event-stream");
}

export interface GraphQLOverSseOptions {
  schema: GraphQLSchema;
  /** The gateway's rules after graphql-js's (introspection, limits); subscriptions-only is added here. */
  validationRules: readonly ValidationRule[];
  createContext: (principal: Principal) => GatewayContext;
  log: ErrorLogger;
  refuse: Refuse;
  cap: ConnectionCap;
  heartbeatMs: number;
}

/** What one stream's handling keeps between graphql-sse's callbacks. */
interface StreamState {
  context: GatewayContext;
  root: LicenseEventsRoot;
  ids: Array<number | null>;
  x: Exchange;
}

/**
 * GraphQL over Server-Sent Events with graphql-sse (its "distinct connections mode": one request, one operation,
 * one stream, so a GET with query parameters from curl or an EventSource works as well as its own client's POST).
 * The last step of the event-stream pipeline (sse-pipeline.ts): the request was authenticated, rate-limited and
 * checked against trusted documents and the request limits by the same steps as any /graphql request.
 *
 * What the gateway adds around graphql-sse: the context is the one every resolver gets (the caller's reach); the
 * root value carries `Last-Event-ID`, so a reconnecting EventSource resumes where it was; each event message gets
 * `id: <cursor>` (event-stream-response.ts); errors leave through the one boundary (src/errors/format.ts); results
 * are handed on only as fast as the connection takes them (backpressure); and a principal may hold at most
 * `cap.max` streams. Its single-connection mode (a stream reserved with PUT and a token) is not offered.
 */
export function graphqlOverSse(o: GraphQLOverSseOptions): { handler: Handler; closeAll(): void } {
  const rules = [...SPECIFIED_RULES, OnlySubscriptionsRule, ...o.validationRules];
  const open = new Set<() => void>();
  const handle = createHandler<IncomingMessage, StreamState>({
    schema: o.schema,
    // Distinct connections only: no request reserves a stream by token.
    authenticate: () => null,
    validate: (schema, document) => validate(schema, document, rules).map(validationError),
    onSubscribe(req, params) {
      let document;
      try {
        document = parse(params.query);
      } catch (error) {
        const refusal = syntaxError(error instanceof GraphQLError ? error : new GraphQLError(String(error)));
        return [
          JSON.stringify({ errors: [formatError(refusal.toJSON(), refusal, o.log)] }),
          { status: 400, statusText: "Bad Request", headers: { "content-type": "application/json; charset=utf-8" } },
        ];
      }
      const state = req.context;
      return {
        schema: o.schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue: state.context as never,
        rootValue: state.root,
      };
    },
    async onNext(_ctx, req, result) {
      const state = req.context;
      const cursor = state.root.stream?.lastCursor;
      state.ids.push(result.data != null && cursor !== undefined ? cursor : null);
      // The next result is taken from the subscription only once the connection has room for this one.
      await writable(state.x.res);
      return formatted(result as ExecutionResult, o.log);
    },
  });

  const handler: Handler = async (x) => {
    if (!x.principal) return o.refuse(x, x.authError as GraphQLError);
    const release = o.cap.acquire(x.principal.id);
    if (release instanceof GraphQLError) return o.refuse(x, release);
    try {
      const state: StreamState = {
        context: o.createContext(x.principal),
        root: { lastEventId: headerOf(x.req.headers, "last-event-id") },
        ids: [],
        x,
      };
      const request: SseRequest<IncomingMessage, StreamState> = {
        method: x.req.method ?? "GET",
        // As the steps left it: a GET naming a trusted document by id carries the document's text from here on.
        url: `${x.url.pathname}${x.url.search}`,
        headers: {
          // graphql-sse compares the whole header with "text/event-stream"; the route sent only such requests here.
          get: (key) => (key === "accept" ? "text/event-stream" : headerOf(x.req.headers, key)),
        },
        body: (x.body ?? null) as Record<string, unknown> | null,
        raw: x.req,
        context: state,
      };
      const [body, init] = await handle(request);
      const headers = { ...init.headers };
      // Node decides the connection header (`close` while the server drains); proxies must not buffer the stream.
      delete (headers as Record<string, string>).connection;
      if (body === null || typeof body === "string") {
        x.res.writeHead(init.status, headers).end(body ?? undefined);
        return;
      }
      x.res.writeHead(init.status, { ...headers, "x-accel-buffering": "no" });
      // Ending the subscription's own stream lets graphql-sse send `complete`; anything else is cut.
      const close = () => void (state.root.stream ? state.root.stream.return() : body.return(undefined));
      open.add(close);
      try {
        await writeEventStream({ res: x.res, body, ids: state.ids, heartbeatMs: o.heartbeatMs });
      } finally {
        open.delete(close);
      }
    } finally {
      release();
    }
  };

  return {
    handler,
    // On shutdown: each stream completes, so clients reconnect (to another replica) instead of waiting for the cut.
    closeAll: () => {
      for (const close of open) close();
    },
  };
}

/** A result with its errors as the boundary formats them: codes kept, anything unknown masked. */
function formatted(result: ExecutionResult, log: ErrorLogger): ExecutionResult {
  if (!result.errors) return result;
  return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error, log)) as never };
}
