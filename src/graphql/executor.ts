import { execute, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";

/** What runs one operation of a parsed and validated document. */
export interface OperationArgs {
  schema: GraphQLSchema;
  /** Parsed and validated. The same object for the same text (a cache of parsed documents), for graphql-jit's sake. */
  document: DocumentNode;
  operationName?: string | null | undefined;
  variableValues?: Readonly<Record<string, unknown>> | null | undefined;
  contextValue: unknown;
  rootValue?: unknown;
  /** The resolver of fields that have none (graphql-js's default reads the property of that name). */
  fieldResolver?: GraphQLFieldResolver<unknown, unknown> | undefined;
}

export type ExecuteOperation = (args: OperationArgs) => Promise<ExecutionResult> | ExecutionResult;

/**
 * - `graphql-js`: graphql-js's `execute`, the reference; the default.
 * - `graphql-jit`: graphql-jit compiles each (document, operation) once into a function and runs that. Same
 *   answers (test/graphql/executor.test.ts runs the suite's operations through both); see `jitExecutor`.
 */
export type ExecutorKind = "graphql-js" | "graphql-jit";

/** The default: graphql-js, with nothing around it. */
export const executeOperation: ExecuteOperation = (args) =>
  execute({
    schema: args.schema,
    document: args.document,
    operationName: args.operationName,
    variableValues: args.variableValues,
    contextValue: args.contextValue,
    rootValue: args.rootValue,
    fieldResolver: args.fieldResolver,
  });
