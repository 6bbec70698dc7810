import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type ExecutionResult,
  type GraphQLSchema,
  type ValidationRule,
} from "graphql";
import type { Logger } from "../../logger.js";
import { formatErrors, type FormatError } from "./format-errors.js";
import { persistedDocument, type PersistedQueryOptions } from "./persisted-queries.js";
import type { GraphQLPlugin, OperationListener, OperationRun } from "./plugin.js";
import {
  badRequest,
  ensureGraphQLError,
  operationResolutionError,
  syntaxError,
  userInputError,
  validationError,
} from "./request-errors.js";
import { mergeHead, type GraphQLRequest, type HttpGraphQLRequest, type HttpHead } from "./types.js";
import type { ValidatedDocuments } from "./validated-documents.js";

/** What processing an operation needs from its server, fixed when the server is made. */
export interface OperationEngine<TContext> {
  schema: GraphQLSchema;
  /** graphql-js's rules and the gateway's, in the order they report. */
  rules: readonly ValidationRule[];
  documents: ValidatedDocuments;
  persistedQueries: PersistedQueryOptions | undefined;
  plugins: readonly GraphQLPlugin<TContext>[];
  formatError: FormatError;
  logger: Logger;
  /** Admission control between a resolved operation and its execution; none, every operation runs at once. */
  gate: OperationGate | undefined;
}

/**
 * Decides when a valid operation may execute (src/server/admission.ts): `enter` admits it (undefined, at once or
 * after a wait) or refuses it with the error to answer; every admitted operation calls `leave` once it has run.
 */
export interface OperationGate {
  enter(): GraphQLError | undefined | Promise<GraphQLError | undefined>;
  leave(): void;
}

/**
 * One operation, from its parameters to its result: its document (a persisted query's, or from the cache of
 * validated documents, or parsed and validated), the operation in it, execution, and errors formatted through the
 * one boundary. Refusals carry their HTTP status on `response.http`; the result has `data` only once execution ran.
 */
export async function processOperation<TContext>(
  engine: OperationEngine<TContext>,
  request: GraphQLRequest,
  http: HttpGraphQLRequest,
  contextValue: TContext,
  head: HttpHead,
): Promise<OperationRun<TContext>> {
  const run: OperationRun<TContext> = {
    schema: engine.schema,
    request,
    http,
    contextValue,
    document: undefined,
    operation: undefined,
    operationName: undefined,
    rootValue: undefined,
    executed: false,
    response: { http: head, result: undefined },
  };
  const listeners: OperationListener<TContext>[] = [];
  for (const plugin of engine.plugins) {
    const listener = plugin.operationDidStart?.(run);
    if (listener) listeners.push(listener);
  }

  let source = persistedDocument(request, engine.persistedQueries);
  if (source instanceof Promise) source = await source;
  if ("refusal" in source) return refuse([source.refusal]);
  let document = engine.documents.get(source.query);
  if (document === undefined) {
    try {
      document = parse(source.query);
    } catch (error) {
      return refuse([syntaxError(ensureGraphQLError(error))]);
    }
    const invalid = validate(engine.schema, document, engine.rules);
    if (invalid.length > 0) return refuse(invalid.map(validationError));
    engine.documents.set(source.query, document);
  }
  run.document = document;
  const operation = getOperationAST(document, request.operationName);
  run.operation = operation ?? undefined;
  run.operationName = operation?.name?.value || null;

  // GET is for reading: a mutation sent that way (a link, an <img>, a prefetch) is refused, and says how to send it.
  if (http.method === "GET" && operation && operation.operation !== "query") {
    return refuse([
      badRequest(`GET requests only support query operations, not ${operation.operation} operations`, 405, [["allow", "POST"]]),
    ]);
  }
  try {
    for (const listener of listeners) listener.didResolveOperation?.(run);
  } catch (error) {
    return refuse([ensureGraphQLError(error)]);
  }
  // Registered only now: a document that does not parse or validate, or a mutation over GET, is never kept.
  if (source.register) {
    source
      .register()
      .catch((error: unknown) =>
        engine.logger.warn({ err: error }, "a persisted query could not be registered; the client will send it again"),
      );
  }

  // Last before execution: whatever was refused above never waited for a turn.
  const { gate } = engine;
  if (gate) {
    let refusal = gate.enter();
    if (refusal instanceof Promise) refusal = await refusal;
    if (refusal) return refuse([refusal]);
  }
  run.executed = true;
  for (const listener of listeners) listener.executionDidStart?.(run);
  let result: ExecutionResult;
  try {
    result = await execute({
      schema: engine.schema,
      document,
      rootValue: run.rootValue,
      contextValue,
      variableValues: request.variables,
      operationName: request.operationName,
    });
  } catch (error) {
    return refuse([ensureGraphQLError(error)]);
  } finally {
    gate?.leave();
  }
  if (!operation) {
    // graphql-js reports it: no operation by that name, or several and no name.
    const [error] = result.errors ?? [];
    return refuse([error ? operationResolutionError(error) : new GraphQLError("execution found no operation and reported no error")]);
  }

  // Execution starts by coercing the variables to their declared types; what fails there is the client's input.
  const errors = result.errors?.map((error) => (isVariableError(error) && error.extensions.code == null ? userInputError(error) : error));
  if (errors === undefined) {
    run.response.result = { data: result.data };
  } else {
    for (const listener of listeners) listener.didEncounterErrors?.(run, errors);
    const formatted = formatErrors(errors, engine.formatError);
    // No data at all: the variables were refused, so nothing ran; a request error, 400.
    if (errors.length > 0 && result.data === undefined && !formatted.http.status) formatted.http.status = 400;
    mergeHead(head, formatted.http);
    run.response.result = { errors: formatted.formatted, data: result.data };
  }
  for (const listener of listeners) listener.willSendResponse?.(run);
  return run;

  /** A request error: no `data` entry at all, and a 500 unless an error says which status. */
  function refuse(errors: readonly GraphQLError[]): OperationRun<TContext> {
    for (const listener of listeners) listener.didEncounterErrors?.(run, errors);
    const formatted = formatErrors(errors, engine.formatError);
    run.response.result = { errors: formatted.formatted };
    mergeHead(head, formatted.http);
    if (!head.status) head.status = 500;
    for (const listener of listeners) listener.willSendResponse?.(run);
    return run;
  }
}

/** graphql-js 16's messages for a variable whose value does not fit its type (graphql-js has no code for it). */
function isVariableError(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined;
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false;
  const variable = `Variable "$${node.variable.name.value}" `;
  return (
    error.message.startsWith(`${variable}got invalid value `) ||
    error.message.startsWith(`${variable}of required type `) ||
    error.message.startsWith(`${variable}of non-null type `)
  );
}
