import type { GraphQLPlugin, OperationListener } from "../graphql-over-http/plugin.js";

/**
 * graphql-js ends many messages with a hint that names parts of the schema: `Did you mean "licenses"?`,
 * `Did you mean the enum value "ACTIVE"?`, `Did you mean to use an inline fragment on "Customer"?`. With
 * introspection off, those hints would let a client rebuild the schema one typo at a time.
 */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/**
 * Removes schema suggestions from every error of an operation: validation errors and variable coercion errors
 * alike (both reach `didEncounterErrors`). Apollo's `hideSchemaDetailsFromClientErrors` covered validation errors
 * only, and graphql-armor's masking misses the enum-value and inline-fragment forms, hence this plugin.
 */
export function hideSuggestions<TContext>(): GraphQLPlugin<TContext> {
  const listener: OperationListener<TContext> = {
    didEncounterErrors(_run, errors) {
      for (const error of errors) {
        if (error.message.includes("Did you mean")) error.message = error.message.replace(SUGGESTION, "");
      }
    },
  };
  return { operationDidStart: () => listener };
}
