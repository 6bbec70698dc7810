import { GraphQLError, type ValidationRule } from "graphql";

/**
 * Refuses `__schema` and `__type` where introspection is off (production, unless `server.introspection` says
 * otherwise). `validationErrorCode` is how the error boundary (src/errors/format.ts) knows it: it answers
 * INTROSPECTION_DISABLED with this message. `__typename` stays allowed: clients add it everywhere.
 */
export const NoIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(
        new GraphQLError("introspection is off on this server; __schema and __type cannot be queried", {
          nodes: [node],
          extensions: { validationErrorCode: "INTROSPECTION_DISABLED" },
        }),
      );
    }
  },
});
