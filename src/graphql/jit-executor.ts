import { getLocation, GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { CompiledQuery } from "graphql-jit";
import { executeOperation, type ExecuteOperation, type OperationArgs } from "./executor.js";

/**
 * graphql-jit: each (schema, document, operation) is compiled once into a function that runs it, kept as long as
 * the document object lives (a cache of parsed documents keeps it; a document parsed anew for every request would
 * be compiled every time, which costs far more than it saves).
 *
 * Answers are graphql-js's, field for field; where graphql-jit's differ, this runs graphql-js instead or rewrites
 * them, so that nothing after execution can tell which ran:
 * - a document graphql-jit does not compile (no operation by that name, several and no name) runs on graphql-js,
 *   which reports it in its own words;
 * - variables that do not fit their types: graphql-jit answers before running anything, so graphql-js runs
 *   instead (also nothing but coercion) and gives its own errors, with the nodes the server reads to tell
 *   them apart (a client's input, BAD_USER_INPUT);
 * - a `fieldResolver` (graphql-jit has no default resolver to replace) runs on graphql-js;
 * - graphql-jit's errors are made graphql-js GraphQLErrors, as graphql-js makes them: on the field's nodes (found by
 *   the locations graphql-jit gives), with extensions always an object (the error boundary reads them).
 */
export async function jitExecutor(): Promise<ExecuteOperation> {
  // Loaded here, not imported: only a gateway configured with `server.executor: graphql-jit` pays for loading it.
  const { compileQuery, isCompiledQuery } = await import("graphql-jit");
  /** Per schema, per document, per operation name (`""` for none); null when graphql-jit did not compile it. */
  const compiled = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CompiledQuery | null>>>();

  function compiledFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null {
    let bySchema = compiled.get(schema);
    if (!bySchema) compiled.set(schema, (bySchema = new WeakMap()));
    let byName = bySchema.get(document);
    if (!byName) bySchema.set(document, (byName = new Map()));
    const key = operationName ?? "";
    let query = byName.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      byName.set(key, query);
    }
    return query;
  }

  return (args) => {
    if (args.fieldResolver) return executeOperation(args);
    const query = compiledFor(args.schema, args.document, args.operationName);
    if (!query) return executeOperation(args);
    const result = query.query(args.rootValue, args.contextValue, args.variableValues ?? {});
    return isPromise(result) ? result.then((r) => asGraphqlJs(r, args)) : asGraphqlJs(result, args);
  };
}

function asGraphqlJs(result: ExecutionResult, args: OperationArgs): ExecutionResult | Promise<ExecutionResult> {
  // No `data` at all: the variables were refused and nothing ran.
  if (!("data" in result)) return executeOperation(args);
  if (!result.errors) return result;
  const fields = fieldsByLocation(args.document);
  return { data: result.data, errors: result.errors.map((error) => toGraphqlJsError(error, fields)) };
}

function toGraphqlJsError(error: GraphQLError, fields: ReadonlyMap<string, ASTNode>): GraphQLError {
  const nodes = error.locations?.map((l) => fields.get(`${l.line}:${l.column}`));
  const found = nodes?.every((n) => n !== undefined) ?? false;
  const converted = new GraphQLError(error.message, {
    ...(found ? { nodes: nodes as ASTNode[] } : {}),
    path: error.path,
    originalError: error.originalError ?? undefined,
    ...(error.extensions ? { extensions: error.extensions } : {}),
  });
  // Not on a field (none has been seen so far): the locations as graphql-jit gave them.
  if (!found && error.locations) (converted as { locations: GraphQLError["locations"] }).locations = error.locations;
  return converted;
}

/** Each field of a document by where it starts ("line:column"), as errors give it; made on a document's first error. */
const fieldIndexes = new WeakMap<DocumentNode, Map<string, ASTNode>>();
function fieldsByLocation(document: DocumentNode): ReadonlyMap<string, ASTNode> {
  let index = fieldIndexes.get(document);
  if (!index) {
    const fields = new Map<string, ASTNode>();
    visit(document, {
      [Kind.FIELD](node) {
        if (node.loc) {
          const { line, column } = getLocation(node.loc.source, node.loc.start);
          fields.set(`${line}:${column}`, node);
        }
      },
    });
    fieldIndexes.set(document, (index = fields));
  }
  return index;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}
