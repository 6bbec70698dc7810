import { GraphQLError, type ValidationRule } from "graphql";

/**
 * Refuses an operation type the schema does not have (the gateway has no subscriptions). graphql-js 16 does
 * not check this during validation: the document passes, and execution fails with an uncoded error that the
 * gateway could only report as INTERNAL_SERVER_ERROR. Refused here, it is GRAPHQL_VALIDATION_FAILED, HTTP 400.
 */
export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`the schema has no ${node.operation} operations`, { nodes: node }));
    }
  },
});
