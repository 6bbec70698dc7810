import type { IncomingMessage } from "node:http";
import type { GraphQLSchema } from "graphql";
import type { Principal } from "../../auth/principal.js";
import type { ResponseCache } from "../../cache/response-cache.js";
import type { CorsConfig } from "../../config/schema.js";
import type { ErrorLogger } from "../../errors/format.js";
import type { GatewayContext } from "../../graphql/context.js";
import type { Logger } from "../../logger.js";
import type { HttpTelemetry } from "../../observability/telemetry.js";
import type { GraphiqlExample } from "../graphiql.js";
import type { GraphQLPlugin } from "../graphql-over-http/plugin.js";
import type { OperationLimits } from "../limits.js";
import type { RateLimiter } from "../rate-limit.js";
import type { TrustedDocumentLookup } from "../trusted-documents.js";
import { accessLog } from "../plugins/access-log.js";
import { hideSuggestions } from "../plugins/hide-suggestions.js";
import { partialErrors } from "../plugins/partial-errors.js";
import { resolvedFieldsLimit } from "../plugins/resolved-fields.js";
import { responseCacheRules } from "../plugins/response-cache.js";
import { authenticate } from "./authenticate.js";
import { publishChanges, syncCaches, type CacheSync } from "./cache-sync.js";
import { cachingHeaders } from "./caching-headers.js";
import { cors } from "./cors.js";
import { compose, type Handler } from "./exchange.js";
import { graphiql } from "./graphiql.js";
import { operationScope } from "./operation-scope.js";
import { parseBody } from "./parse-body.js";
import { rateLimit } from "./rate-limit.js";
import { readBody } from "./read-body.js";
import { requestLimits } from "./request-limits.js";
import type { Refuse } from "./refuse.js";
import { responseCache } from "./response-cache.js";
import { sendAnswer } from "./send-answer.js";
import { trustedDocuments } from "./trusted-documents.js";

export interface PipelineOptions {
  authenticate: (req: IncomingMessage) => Promise<Principal>;
  responseCache: ResponseCache | undefined;
  cacheSync: CacheSync | undefined;
  logger: Logger;
  examples: GraphiqlExample[];
  auth: "on" | "off" | undefined;
  introspection: boolean;
  operationDeadlineMs: number;
  limits: OperationLimits;
  rateLimiter: RateLimiter | undefined;
  telemetry: HttpTelemetry | undefined;
  getCacheControl: string | undefined;
  trustedDocuments: TrustedDocumentLookup | undefined;
  cors: CorsConfig | undefined;
  refuse: Refuse;
}

/**
 * A /graphql request, step by step: the order is here and nowhere else (the operation's plugins are below). Each
 * step is one file; each may answer (a refusal, a cached answer) and stop there. Steps marked ↩ act on the way
 * back, on the answer `operation` made (graphql.ts): they run in the reverse of their order here, so the answer is
 * published, given its caching headers, stored, and only then sent.
 */
export function graphqlPipeline(o: PipelineOptions, operation: Handler): Handler {
  const { refuse } = o;
  return compose(
    [
      // First, so that every answer below carries the CORS headers; a preflight ends here.
      cors(o.cors, refuse),
      graphiql(o),
      readBody(o.limits.maxBodyBytes, refuse),
      authenticate(o.authenticate),
      // Counted before the cache: a cached answer is cheap, but the limit is about the client.
      rateLimit(o.rateLimiter, refuse),
      trustedDocuments("before the cache", { lookup: o.trustedDocuments, telemetry: o.telemetry, logger: o.logger, refuse }),
      // ↩ last of all: the answer, or a 304.
      sendAnswer(),
      syncCaches(o.cacheSync),
      // A stored answer for the request as sent; ↩ stores the new one.
      responseCache(o.responseCache),
      // ↩ ETag, Cache-Control, Vary: before the answer is stored, so they are stored with it.
      cachingHeaders(o.getCacheControl),
      // ↩ first: a mutation is answered only once every replica will see its effect.
      publishChanges(o.cacheSync),
      parseBody(refuse),
      trustedDocuments("after the cache", { lookup: o.trustedDocuments, telemetry: o.telemetry, logger: o.logger, refuse }),
      requestLimits(o.limits, refuse),
      operationScope(o.operationDeadlineMs),
    ],
    operation,
  );
}

export interface PluginOptions {
  schema: GraphQLSchema;
  log: ErrorLogger;
  maxResolvedFields: number;
  /** Production hides schema suggestions in error messages. */
  production: boolean;
  responseCache: ResponseCache | undefined;
  telemetry: HttpTelemetry | undefined;
}

/** What runs around each operation (../plugins/, src/observability/operation-plugin.ts), hook by hook in this order. */
export function operationPlugins(o: PluginOptions): GraphQLPlugin<GatewayContext>[] {
  return [
    partialErrors(o.log),
    // After partialErrors: an operation stopped by this limit answers with its one error only.
    resolvedFieldsLimit(o.schema, o.maxResolvedFields),
    ...(o.production ? [hideSuggestions<GatewayContext>()] : []),
    // After the plugins above: it must see the errors they add.
    ...(o.responseCache ? [responseCacheRules()] : []),
    // After partialErrors too: an operation's outcome is read from the response as sent.
    ...(o.telemetry?.plugins ?? []),
    accessLog<GatewayContext>(),
  ];
}
