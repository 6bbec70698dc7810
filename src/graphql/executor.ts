import { execute, type DocumentNode, type ExecutionResult, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";

/** What runs one operation of a parsed and validated document. */
export interface OperationArgs {
  schema: GraphQLSchema;
  /** Parsed and validated. */
  document: DocumentNode;
  operationName?: string | null | undefined;
  variableValues?: Readonly<Record<string, unknown>> | null | undefined;
  contextValue: unknown;
  rootValue?: unknown;
  /** The resolver of fields that have none (graphql-js's default reads the property of that name). */
  fieldResolver?: GraphQLFieldResolver<unknown, unknown> | undefined;
}

export type ExecuteOperation = (args: OperationArgs) => Promise<ExecutionResult> | ExecutionResult;

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
