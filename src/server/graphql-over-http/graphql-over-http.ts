import { GraphQLError, type GraphQLSchema, type ValidationRule } from "graphql";
import { SPECIFIED_RULES } from "../sse/operation-rules.js";
import type { Logger } from "../../logger.js";
import { csrfRefusal, passesCsrfPrevention } from "./csrf.js";
import { formatErrors, type FormatError } from "./format-errors.js";
import { graphqlRequestOf } from "./http-request.js";
import { JSON_TYPE, responseType } from "./media-types.js";
import { processOperation, type OperationEngine, type OperationGate } from "./operation.js";
import type { PersistedQueryOptions } from "./persisted-queries.js";
import type { GraphQLPlugin } from "./plugin.js";
import { badRequest, ensureGraphQLError } from "./request-errors.js";
import { headerOf, newHead, type HttpGraphQLRequest, type HttpGraphQLResponse, type HttpHead } from "./types.js";
import { ValidatedDocuments } from "./validated-documents.js";

export interface GraphQLOverHttpOptions<TContext> {
  schema: GraphQLSchema;
  /** Run after graphql-js's own rules. */
  validationRules: readonly ValidationRule[];
  /** In order: each hook is called plugin by plugin, so a later plugin sees what an earlier one did. */
  plugins: readonly GraphQLPlugin<TContext>[];
  formatError: FormatError;
  /** Automatic persisted queries; undefined answers PERSISTED_QUERY_NOT_SUPPORTED. */
  persistedQueries: PersistedQueryOptions | undefined;
  /** Whether a POST may carry a JSON array of operations. */
  batching: boolean;
  logger: Logger;
  /** Admission control (operation.ts, OperationGate); default none. */
  gate?: OperationGate | undefined;
}

/** Runs a GraphQL-over-HTTP request, `context()` making its context once the request is known to be one. */
export type GraphQLOverHttp<TContext> = (http: HttpGraphQLRequest, context: () => TContext) => Promise<HttpGraphQLResponse>;

/**
 * GraphQL over HTTP, as the gateway has always spoken it (the protocol of Apollo Server, which this replaces, and
 * which test/http-spec audits): POST with a JSON body and GET with query parameters, batches, CSRF prevention,
 * automatic persisted queries, content negotiation, and the status each request error implies. Lean on purpose:
 * plugin hooks are synchronous, a document is parsed and validated once, and nothing is copied per request that
 * the operation does not need.
 */
export function graphqlOverHttp<TContext extends object>(options: GraphQLOverHttpOptions<TContext>): GraphQLOverHttp<TContext> {
  const engine: OperationEngine<TContext> = {
    schema: options.schema,
    // graphql-js's, one of them made safe (SafeSingleFieldSubscriptionsRule), then the gateway's.
    rules: [...SPECIFIED_RULES, ...options.validationRules],
    documents: new ValidatedDocuments(),
    persistedQueries: options.persistedQueries,
    plugins: options.plugins,
    formatError: options.formatError,
    logger: options.logger,
    gate: options.gate,
  };
  const refused = () => {
    for (const plugin of options.plugins) plugin.requestRefused?.();
  };

  return async (http, context) => {
    try {
      // Before anything real happens, the context included: a cross-site page must not get that far.
      if (!passesCsrfPrevention(http.headers)) throw csrfRefusal();
      let contextValue: TContext;
      try {
        contextValue = context();
      } catch (error) {
        refused();
        return errorResponse(ensureGraphQLError(error, "Context creation failed: "), http);
      }
      if (http.method === "POST" && Array.isArray(http.body)) return await batch(http, http.body, contextValue);
      return await single(http, http.body, contextValue, undefined);
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === "BAD_REQUEST") refused();
      return errorResponse(error, http);
    }
  };

  /** A JSON array of operations, run side by side with one context (one set of loaders), answered in one array. */
  async function batch(http: HttpGraphQLRequest, operations: unknown[], context: TContext): Promise<HttpGraphQLResponse> {
    if (!options.batching) throw badRequest("Operation batching disabled.");
    if (operations.length === 0) throw badRequest("No operations found in request.");
    // One head for the whole batch: each operation's status and headers go to it.
    const head = newHead();
    const bodies = await Promise.all(operations.map(async (operation) => (await single(http, operation, context, head)).body));
    return { ...head, body: `[${bodies.join(",")}]` };
  }

  async function single(
    http: HttpGraphQLRequest,
    body: unknown,
    contextValue: TContext,
    sharedHead: HttpHead | undefined,
  ): Promise<HttpGraphQLResponse> {
    const request = graphqlRequestOf(http, body);
    const run = await processOperation(engine, request, http, contextValue, sharedHead ?? newHead());
    const head = run.response.http;
    if (!head.headers.has("content-type")) {
      const type = responseType(headerOf(http.headers, "accept"));
      if (type === null)
        throw badRequest(
          `An 'accept' header was provided for this request which does not accept application/json; charset=utf-8 or application/graphql-response+json; charset=utf-8`,
          406,
        );
      head.headers.set("content-type", type);
    }
    const { errors, data, extensions } = run.response.result ?? {};
    // Errors first (graphql/graphql-spec#384); a final newline, as the gateway's answers always had.
    return { status: head.status, headers: head.headers, body: `${JSON.stringify({ errors, data, extensions })}\n` };
  }

  /** A request refused as a whole (no operation ran): its errors, the status they ask for, else 500. */
  function errorResponse(error: unknown, http: HttpGraphQLRequest): HttpGraphQLResponse {
    const { formatted, http: head } = formatErrors([error], options.formatError);
    // A client that accepts neither type still gets the refusal, in JSON: the other error is the one to fix first.
    head.headers.set("content-type", responseType(headerOf(http.headers, "accept")) ?? JSON_TYPE);
    return { status: head.status ?? 500, headers: head.headers, body: `${JSON.stringify({ errors: formatted })}\n` };
  }
}
